/*
 * A Kafka wire-protocol peer for tests: librdkafka's mock cluster on real loopback TCP ports.
 *
 *   mock-broker <brokers> <topic>:<partitions> [<topic>:<partitions> ...]
 *
 * Creates the topics (the mock has no CreateTopics), prints the bootstrap servers on one line, and runs
 * until its standard input closes or a signal ends it (SIGTERM's default action). Built by
 * scripts/run-tests.mjs.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <brokers> [<topic>:<partitions> ...]\n", argv[0]);
    return 2;
  }
  int brokers = atoi(argv[1]);
  if (brokers < 1 || brokers > 16) {
    fprintf(stderr, "brokers must be 1..16\n");
    return 2;
  }
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (!cluster) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    return 1;
  }
  for (int i = 2; i < argc; i++) {
    char *spec = strdup(argv[i]);
    char *colon = strrchr(spec, ':');
    int partitions = colon ? atoi(colon + 1) : 1;
    if (colon) *colon = '\0';
    if (partitions < 1) partitions = 1;
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(cluster, spec, partitions, 1);
    if (e) {
      fprintf(stderr, "topic %s: %s\n", spec, rd_kafka_err2str(e));
      return 1;
    }
    free(spec);
  }
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);
  char buf[64];
  /* Standard input closing (the parent exited) stops the broker, so no orphan outlives a test run. */
  for (;;) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) break;
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
