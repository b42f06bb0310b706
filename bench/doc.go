// Package bench holds the benchmarks that compare shared memory with the other ways two
// processes on one machine can exchange bytes: pipes, Unix sockets and loopback TCP,
// measured side by side in one run (the child process is the test binary started
// again). bench/run.sh runs them with the root package's control-path benchmarks and
// the C baseline in bench/cshm, and writes BENCHMARKS.md. Nothing here is used by the
// shm and sem packages.
package bench
