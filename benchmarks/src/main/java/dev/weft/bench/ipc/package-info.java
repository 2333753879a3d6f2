/**
 * Benchmarks of the ipc lock and event: JMH for in-process costs ({@link dev.weft.bench.ipc.UncontendedLockBenchmark}),
 * a two-JVM harness for contended throughput and event ping-pong ({@link dev.weft.bench.ipc.CrossProcessBench}),
 * and a loop for counting system calls ({@link dev.weft.bench.ipc.UncontendedSyscalls}).
 */
package dev.weft.bench.ipc;
