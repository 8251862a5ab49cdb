/**
 * The hook through which impact analysis counts predictions served per serving window. Until prediction
 * logging exists every count is null ("unknown"), never 0; the predictions feature provides the real one.
 */
export interface ServingWindowRef {
  deploymentId: string;
  modelVersionId: string;
  from: Date;
  to: Date | null;
}

export interface PredictionCounter {
  count(windows: ServingWindowRef[]): Promise<(number | null)[]>;
}

export const PREDICTION_COUNTER = Symbol('PREDICTION_COUNTER');

export const unknownPredictionCounts: PredictionCounter = {
  async count(windows) {
    return windows.map(() => null);
  },
};
