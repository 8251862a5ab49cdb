/**
 * The hook through which impact analysis counts predictions served per serving window. The catalog cannot
 * depend on the predictions feature (which depends on the catalog), so the feature plugs its counter in
 * here at start-up; until it does (or where it is not loaded) every count is null ("unknown"), never 0.
 */
import { Injectable } from '@nestjs/common';

export interface ServingWindowRef {
  deploymentId: string;
  modelVersionId: string;
  from: Date;
  to: Date | null;
}

export interface PredictionCounter {
  count(windows: ServingWindowRef[]): Promise<(number | null)[]>;
}

export const unknownPredictionCounts: PredictionCounter = {
  async count(windows) {
    return windows.map(() => null);
  },
};

@Injectable()
export class PredictionCounterHook implements PredictionCounter {
  private counter: PredictionCounter = unknownPredictionCounts;

  provide(counter: PredictionCounter): void {
    this.counter = counter;
  }

  count(windows: ServingWindowRef[]): Promise<(number | null)[]> {
    return this.counter.count(windows);
  }
}
