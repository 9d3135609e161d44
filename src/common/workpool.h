/*
 * The crypto worker pool (docs/design.md "Threading", STYLE.md §5): N worker threads run
 * CPU-heavy jobs (key generation, DH, signatures) off the event loop, and every job's
 * completion comes back to the loop thread.
 *
 * A job is a pair of callbacks and an argument: work(arg) runs on some worker and returns a
 * status; done(arg, status) later runs on the loop thread, exactly once per submitted job,
 * whatever happens to it (finished: work's status; cancelled before it started, or still
 * queued at workpool_free(): -ECANCELED). Between submit and done the pool owns nothing of arg
 * but the pointer: the caller keeps arg alive and must not touch what work() uses until done()
 * runs. work() must not touch loop-thread state (no SA, no loop, no logging through
 * non-thread-safe state); it works on the copies its arg carries.
 *
 * Completions are queued under a mutex and signalled through an eventfd that the pool
 * registers with qb_loop_poll_add(); the loop's dispatch runs the done() callbacks. Waiting
 * jobs sit in a bounded FIFO; a full queue refuses new jobs with -EAGAIN (back-pressure for
 * the caller, e.g. drop an IKE_SA_INIT under load).
 *
 * Threads: every function but the work callback itself is for the loop thread (the one that
 * runs the qb loop, or that calls workpool_drain() when the pool has no loop); the pool's
 * locks only guard its queues against the workers.
 */
#ifndef IKN_COMMON_WORKPOOL_H
#define IKN_COMMON_WORKPOOL_H

#include <stddef.h>

#include <qb/qbloop.h>

#include "common/defs.h"

/* Waiting jobs a pool accepts by default before workpool_submit() says -EAGAIN. */
#define WORKPOOL_DEFAULT_QUEUE 4096u
/* Most worker threads one pool runs. */
#define WORKPOOL_MAX_THREADS 256u

struct workpool;

/* Runs on a worker; returns a status (0 or a negative errno by convention) for done(). */
typedef int (*workpool_work_fn)(void *arg);
/* Runs on the loop thread with work's status, or -ECANCELED when work never ran. */
typedef void (*workpool_done_fn)(void *arg, int status);

/*
 * Starts a pool of threads workers (0: one per online core) with the default queue size.
 * loop is borrowed and must outlive the pool; the pool adds its eventfd to it at
 * QB_LOOP_HIGH. loop may be NULL: then completions wait until workpool_drain() (tests, tools).
 * Returns 0 and *out (owned by the caller, free with workpool_free()), -EINVAL (out NULL,
 * threads > WORKPOOL_MAX_THREADS), -ENOMEM, or the negative errno of eventfd(),
 * qb_loop_poll_add() or pthread_create(). Workers block every signal.
 */
MUST_CHECK int workpool_new(struct workpool **out, qb_loop_t *loop, unsigned int threads);
/* As workpool_new(), with at most max_queue waiting jobs (1 .. 1 << 24; else -EINVAL). */
MUST_CHECK int workpool_new_sized(struct workpool **out, qb_loop_t *loop, unsigned int threads,
				  size_t max_queue);
/*
 * Stops the pool: waiting jobs are completed with -ECANCELED, running jobs finish, the workers
 * are joined, then every outstanding done() runs (on the calling thread, which must be the loop
 * thread) before the eventfd leaves the loop. A done() called from here that submits gets
 * -ESHUTDOWN. Must not be called from a done() callback of the same pool. Accepts NULL.
 */
void workpool_free(struct workpool *wp);
/*
 * Queues a job: work(arg) on a worker, then done(arg, status) on the loop thread. arg is
 * borrowed until done() (it may be NULL, but then workpool_cancel() cannot name the job).
 * Returns 0, -EINVAL (wp, work or done NULL), -EAGAIN (queue full), -ESHUTDOWN (pool being
 * freed) or -ENOMEM. On error done() is never called.
 */
MUST_CHECK int workpool_submit(struct workpool *wp, workpool_work_fn work, workpool_done_fn done,
			       void *arg);
/*
 * Cancels the jobs with this arg that no worker has started: each gets done(arg, -ECANCELED)
 * on the loop thread soon after (through the loop, never from inside this call). A running or
 * finished job completes normally. Returns 0 when at least one job was cancelled, -ENOENT
 * when none was waiting, -EINVAL when wp is NULL.
 */
int workpool_cancel(struct workpool *wp, void *arg);
/* The number of worker threads (0 for NULL). */
unsigned int workpool_threads(const struct workpool *wp);
/*
 * Jobs submitted whose done() has not run yet: waiting, running, or completed and not yet
 * dispatched (0 for NULL).
 */
size_t workpool_pending(struct workpool *wp);
/*
 * Runs every completed job's done() now, on the calling thread (the loop thread); does not
 * wait for running jobs. Used by tests and shutdown, and by the loop's dispatch. Accepts NULL.
 */
void workpool_drain(struct workpool *wp);
/*
 * Waits until no job is waiting or running, then drains: every job submitted before the call
 * has had its done() when it returns (jobs submitted by those done() callbacks may still be
 * pending). For tests and shutdown; blocks the loop. Accepts NULL.
 */
void workpool_flush(struct workpool *wp);

#endif
