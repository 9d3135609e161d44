/*
 * The crypto worker pool: thousands of SHA-256 jobs across threads with a real qb loop (every
 * done() on the loop thread, every work() off it, digests checked against a one-shot EVP
 * digest), back-pressure, cancellation of waiting jobs only, free with waiting jobs, done()
 * callbacks that submit, and the loop-less drain/flush mode.
 *
 * ThreadSanitizer reasoning: the test's counters are touched only on the loop thread (done
 * callbacks and the test body); a job's fields are written by one worker in work() and read in
 * done() after the pool's mutex hand-over; gates are semaphores.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/workpool.h"

Suite *workpool_suite(void);

#define TIMEOUT_NS (30ull * 1000 * 1000 * 1000)

struct ctx;

struct job {
	struct ctx *c;
	unsigned int idx;
	uint8_t input[32];
	uint8_t digest[32]; /* work() */
	pthread_t worker; /* work() */
	bool worked; /* work() */
	int status; /* done() */
	unsigned int n_done;
	bool done_on_loop;
};

struct ctx {
	qb_loop_t *loop;
	struct workpool *wp;
	pthread_t loop_thread;
	struct job *jobs;
	unsigned int n_jobs;
	unsigned int n_done;
	unsigned int target; /* stop the loop when n_done reaches it */
	bool timed_out;
	/* chain test */
	unsigned int chain_left;
	/* gate for blocking jobs */
	sem_t started, gate;
	/* free test: submit from done() during workpool_free() */
	int submit_in_done_rc;
	bool submit_in_done;
};

static int work_sha256(void *arg)
{
	struct job *j = arg;
	unsigned int len = 0;

	j->worker = pthread_self();
	j->worked = true;
	if (!EVP_Digest(j->input, sizeof(j->input), j->digest, &len, EVP_sha256(), NULL) ||
	    len != 32)
		return -EIO;
	return (int)(j->idx % 1000);
}

static struct ctx *ctx_of(struct job *j)
{
	return j->c;
}

static void done_count(void *arg, int status)
{
	struct job *j = arg;
	struct ctx *c = ctx_of(j);

	j->status = status;
	j->n_done++;
	j->done_on_loop = pthread_equal(pthread_self(), c->loop_thread);
	c->n_done++;
	if (c->submit_in_done) {
		c->submit_in_done_rc = workpool_submit(c->wp, work_sha256, done_count, j);
		c->submit_in_done = false;
	}
	if (c->loop && c->n_done == c->target)
		qb_loop_stop(c->loop);
}

static void on_timeout(void *data)
{
	struct ctx *c = data;

	c->timed_out = true;
	qb_loop_stop(c->loop);
}

/* Runs the loop until c->n_done reaches target (or the timeout). */
static void run_until(struct ctx *c, unsigned int target)
{
	qb_loop_timer_handle th;

	c->target = target;
	if (c->n_done >= target)
		return;
	ck_assert_int_eq(qb_loop_timer_add(c->loop, QB_LOOP_LOW, TIMEOUT_NS, c, on_timeout, &th),
			 0);
	qb_loop_run(c->loop);
	ck_assert_msg(!c->timed_out, "timed out with %u of %u done", c->n_done, target);
	qb_loop_timer_del(c->loop, th);
}

static void ctx_init(struct ctx *c, unsigned int n_jobs, bool with_loop)
{
	memset(c, 0, sizeof(*c));
	c->loop_thread = pthread_self();
	if (with_loop) {
		c->loop = qb_loop_create();
		ck_assert_ptr_nonnull(c->loop);
	}
	c->n_jobs = n_jobs;
	c->jobs = calloc(n_jobs ? n_jobs : 1, sizeof(*c->jobs));
	ck_assert_ptr_nonnull(c->jobs);
	for (unsigned int i = 0; i < n_jobs; i++) {
		c->jobs[i].c = c;
		c->jobs[i].idx = i;
		for (unsigned int k = 0; k < sizeof(c->jobs[i].input); k++)
			c->jobs[i].input[k] = (uint8_t)(i * 31 + k * 7 + (i >> 8));
	}
	ck_assert_int_eq(sem_init(&c->started, 0, 0), 0);
	ck_assert_int_eq(sem_init(&c->gate, 0, 0), 0);
}

static void ctx_fini(struct ctx *c)
{
	workpool_free(c->wp);
	c->wp = NULL;
	if (c->loop)
		qb_loop_destroy(c->loop);
	sem_destroy(&c->started);
	sem_destroy(&c->gate);
	free(c->jobs);
}

/* The digest a job must have produced, computed here on the loop thread. */
static void check_digest(const struct job *j)
{
	uint8_t md[32];
	unsigned int len = 0;

	ck_assert_int_eq(EVP_Digest(j->input, sizeof(j->input), md, &len, EVP_sha256(), NULL), 1);
	ck_assert_uint_eq(len, 32);
	ck_assert_mem_eq(j->digest, md, 32);
}

/* A job that tells the test it started, then waits for the gate. */
struct gated {
	struct ctx *c;
	sem_t *started, *gate;
	bool worked;
	int status;
	unsigned int n_done;
};

static int work_wait_gate(void *arg)
{
	struct gated *g = arg;

	g->worked = true;
	sem_post(g->started);
	while (sem_wait(g->gate) && errno == EINTR)
		;
	return 7;
}

static void done_gated(void *arg, int status)
{
	struct gated *g = arg;
	struct ctx *c = g->c;

	g->status = status;
	g->n_done++;
	c->n_done++;
	if (c->loop && c->n_done == c->target)
		qb_loop_stop(c->loop);
}

/* Starts a gated job on the pool and waits until a worker runs it. */
static void start_gated(struct ctx *c, struct gated *g)
{
	*g = (struct gated){ .c = c, .started = &c->started, .gate = &c->gate };
	ck_assert_int_eq(workpool_submit(c->wp, work_wait_gate, done_gated, g), 0);
	while (sem_wait(&c->started) && errno == EINTR)
		;
}

static int work_nop(void *arg)
{
	(void)arg;
	return 0;
}

static void done_nop(void *arg, int status)
{
	(void)arg;
	(void)status;
}

START_TEST(test_workpool_input)
{
	struct workpool *wp = (struct workpool *)1;
	int x;

	ck_assert_int_eq(workpool_new(NULL, NULL, 1), -EINVAL);
	ck_assert_int_eq(workpool_new(&wp, NULL, WORKPOOL_MAX_THREADS + 1), -EINVAL);
	ck_assert_ptr_null(wp);
	ck_assert_int_eq(workpool_new_sized(&wp, NULL, 1, 0), -EINVAL);
	ck_assert_int_eq(workpool_new_sized(&wp, NULL, 1, (1u << 24) + 1), -EINVAL);
	ck_assert_int_eq(workpool_submit(NULL, work_nop, done_nop, &x), -EINVAL);
	ck_assert_int_eq(workpool_cancel(NULL, &x), -EINVAL);
	ck_assert_uint_eq(workpool_threads(NULL), 0);
	ck_assert_uint_eq(workpool_pending(NULL), 0);
	workpool_drain(NULL);
	workpool_flush(NULL);
	workpool_free(NULL);

	ck_assert_int_eq(workpool_new(&wp, NULL, 1), 0);
	ck_assert_int_eq(workpool_submit(wp, NULL, done_nop, &x), -EINVAL);
	ck_assert_int_eq(workpool_submit(wp, work_nop, NULL, &x), -EINVAL);
	ck_assert_int_eq(workpool_cancel(wp, &x), -ENOENT);
	ck_assert_uint_eq(workpool_pending(wp), 0);
	workpool_free(wp);
}
END_TEST

START_TEST(test_workpool_threads)
{
	struct workpool *wp = NULL;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	ck_assert_int_eq(workpool_new(&wp, NULL, 0), 0);
	ck_assert_uint_eq(workpool_threads(wp), cores < 1 ? 1 : (unsigned long)cores);
	workpool_free(wp);
	ck_assert_int_eq(workpool_new(&wp, NULL, 3), 0);
	ck_assert_uint_eq(workpool_threads(wp), 3);
	workpool_free(wp);
}
END_TEST

/* 5000 SHA-256 jobs over 4 workers through a qb loop. */
START_TEST(test_workpool_many_jobs_on_loop_thread)
{
	enum { N = 5000, THREADS = 4 };
	struct ctx c;
	pthread_t seen[THREADS];
	unsigned int n_seen = 0;

	ctx_init(&c, N, true);
	ck_assert_int_eq(workpool_new_sized(&c.wp, c.loop, THREADS, N), 0);
	ck_assert_uint_eq(workpool_threads(c.wp), THREADS);
	for (unsigned int i = 0; i < N; i++)
		ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[i]), 0);
	/* nothing completes before the loop runs */
	ck_assert_uint_eq(c.n_done, 0);
	ck_assert_uint_le(workpool_pending(c.wp), N);
	run_until(&c, N);
	ck_assert_uint_eq(workpool_pending(c.wp), 0);

	for (unsigned int i = 0; i < N; i++) {
		struct job *j = &c.jobs[i];
		unsigned int k;

		ck_assert_uint_eq(j->n_done, 1);
		ck_assert(j->done_on_loop);
		ck_assert(j->worked);
		ck_assert_int_eq(j->status, (int)(i % 1000));
		ck_assert(!pthread_equal(j->worker, c.loop_thread));
		check_digest(j);
		for (k = 0; k < n_seen && !pthread_equal(seen[k], j->worker); k++)
			;
		if (k == n_seen) {
			ck_assert_uint_lt(n_seen, THREADS);
			seen[n_seen++] = j->worker;
		}
	}
	ck_assert_uint_ge(n_seen, 1);
	ctx_fini(&c);
}
END_TEST

static void done_chain(void *arg, int status)
{
	struct job *j = arg;
	struct ctx *c = ctx_of(j);

	ck_assert(pthread_equal(pthread_self(), c->loop_thread));
	ck_assert_int_eq(status, (int)(j->idx % 1000));
	check_digest(j);
	c->n_done++;
	if (c->chain_left) {
		struct job *next = &c->jobs[c->n_jobs - c->chain_left];

		c->chain_left--;
		ck_assert_int_eq(workpool_submit(c->wp, work_sha256, done_chain, next), 0);
	}
	if (c->n_done == c->target)
		qb_loop_stop(c->loop);
}

/* done() callbacks submit the next jobs: 8 chains, 2000 jobs in all. */
START_TEST(test_workpool_done_submits)
{
	enum { N = 2000, CHAINS = 8 };
	struct ctx c;

	ctx_init(&c, N, true);
	ck_assert_int_eq(workpool_new(&c.wp, c.loop, 2), 0);
	c.chain_left = N - CHAINS;
	for (unsigned int i = 0; i < CHAINS; i++)
		ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_chain, &c.jobs[i]), 0);
	run_until(&c, N);
	ck_assert_uint_eq(c.n_done, N);
	ck_assert_uint_eq(c.chain_left, 0);
	ck_assert_uint_eq(workpool_pending(c.wp), 0);
	ctx_fini(&c);
}
END_TEST

/* The submission queue holds max_queue waiting jobs; a running job does not count. */
START_TEST(test_workpool_queue_full)
{
	struct ctx c;
	struct gated g;

	ctx_init(&c, 4, true);
	ck_assert_int_eq(workpool_new_sized(&c.wp, c.loop, 1, 2), 0);
	start_gated(&c, &g);
	ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[0]), 0);
	ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[1]), 0);
	ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[2]), -EAGAIN);
	ck_assert_uint_eq(workpool_pending(c.wp), 3);
	sem_post(&c.gate);
	run_until(&c, 3);
	ck_assert_uint_eq(g.n_done, 1);
	ck_assert_int_eq(g.status, 7);
	ck_assert_uint_eq(c.jobs[0].n_done, 1);
	ck_assert_uint_eq(c.jobs[1].n_done, 1);
	ck_assert_uint_eq(c.jobs[2].n_done, 0);
	ck_assert(!c.jobs[2].worked);
	/* room again */
	ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[2]), 0);
	run_until(&c, 4);
	check_digest(&c.jobs[2]);
	ctx_fini(&c);
}
END_TEST

/* Only waiting jobs are cancelled; done(-ECANCELED) comes through the loop, not the call. */
START_TEST(test_workpool_cancel)
{
	struct ctx c;
	struct gated g;

	ctx_init(&c, 3, true);
	ck_assert_int_eq(workpool_new(&c.wp, c.loop, 1), 0);
	start_gated(&c, &g);
	for (unsigned int i = 0; i < 3; i++)
		ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[i]), 0);

	ck_assert_int_eq(workpool_cancel(c.wp, &c.jobs[1]), 0);
	ck_assert_uint_eq(c.jobs[1].n_done, 0); /* not from inside cancel */
	ck_assert_int_eq(workpool_cancel(c.wp, &c.jobs[1]), -ENOENT);
	ck_assert_int_eq(workpool_cancel(c.wp, &g), -ENOENT); /* running */
	ck_assert_int_eq(workpool_cancel(c.wp, &c), -ENOENT); /* unknown */

	/* the cancellation arrives while the worker is still blocked */
	run_until(&c, 1);
	ck_assert_uint_eq(c.jobs[1].n_done, 1);
	ck_assert_int_eq(c.jobs[1].status, -ECANCELED);
	ck_assert(c.jobs[1].done_on_loop);
	ck_assert_uint_eq(g.n_done, 0);

	sem_post(&c.gate);
	run_until(&c, 4);
	ck_assert_int_eq(g.status, 7);
	ck_assert(!c.jobs[1].worked);
	ck_assert_int_eq(c.jobs[0].status, 0);
	ck_assert_int_eq(c.jobs[2].status, 2);
	ck_assert_int_eq(workpool_cancel(c.wp, &c.jobs[0]), -ENOENT); /* finished */
	ctx_fini(&c);
}
END_TEST

/* Every waiting job with the same arg is cancelled. */
START_TEST(test_workpool_cancel_same_arg)
{
	struct ctx c;
	struct gated g;

	ctx_init(&c, 2, false);
	ck_assert_int_eq(workpool_new(&c.wp, NULL, 1), 0);
	start_gated(&c, &g);
	ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[0]), 0);
	ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[1]), 0);
	ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[0]), 0);
	ck_assert_int_eq(workpool_cancel(c.wp, &c.jobs[0]), 0);
	workpool_drain(c.wp);
	ck_assert_uint_eq(c.jobs[0].n_done, 2);
	ck_assert_int_eq(c.jobs[0].status, -ECANCELED);
	ck_assert_uint_eq(c.jobs[1].n_done, 0);
	sem_post(&c.gate);
	workpool_flush(c.wp);
	ck_assert_uint_eq(c.jobs[1].n_done, 1);
	ck_assert_int_eq(c.jobs[1].status, 1);
	ck_assert_uint_eq(g.n_done, 1);
	ck_assert(!c.jobs[0].worked);
	ck_assert_uint_eq(workpool_pending(c.wp), 0);
	ctx_fini(&c);
}
END_TEST

static void *open_gate_later(void *arg)
{
	struct ctx *c = arg;
	struct timespec ts = { 0, 500 * 1000 * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	sem_post(&c->gate);
	return NULL;
}

/*
 * workpool_free() with one job running and ten waiting: the running job finishes with its own
 * status, the waiting ones get -ECANCELED, all on the calling thread before free returns; a
 * done() that submits during free gets -ESHUTDOWN.
 */
START_TEST(test_workpool_free_pending)
{
	enum { N = 10 };
	struct ctx c;
	struct gated g;
	pthread_t opener;

	ctx_init(&c, N, true);
	ck_assert_int_eq(workpool_new(&c.wp, c.loop, 1), 0);
	start_gated(&c, &g);
	for (unsigned int i = 0; i < N; i++)
		ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[i]), 0);
	c.submit_in_done = true;
	/* the worker is blocked until well after free has stopped the pool */
	ck_assert_int_eq(pthread_create(&opener, NULL, open_gate_later, &c), 0);
	workpool_free(c.wp);
	c.wp = NULL;
	pthread_join(opener, NULL);

	ck_assert_uint_eq(g.n_done, 1);
	ck_assert_int_eq(g.status, 7);
	for (unsigned int i = 0; i < N; i++) {
		ck_assert_uint_eq(c.jobs[i].n_done, 1);
		ck_assert_int_eq(c.jobs[i].status, -ECANCELED);
		ck_assert(c.jobs[i].done_on_loop);
		ck_assert(!c.jobs[i].worked);
	}
	ck_assert_int_eq(c.submit_in_done_rc, -ESHUTDOWN);
	ck_assert_uint_eq(c.n_done, N + 1);
	ctx_fini(&c);
}
END_TEST

/* Without a loop, completions wait for drain/flush and run on the calling thread. */
START_TEST(test_workpool_no_loop_flush)
{
	enum { N = 500 };
	struct ctx c;

	ctx_init(&c, N, false);
	ck_assert_int_eq(workpool_new(&c.wp, NULL, 2), 0);
	for (unsigned int i = 0; i < N; i++)
		ck_assert_int_eq(workpool_submit(c.wp, work_sha256, done_count, &c.jobs[i]), 0);
	workpool_flush(c.wp);
	ck_assert_uint_eq(c.n_done, N);
	ck_assert_uint_eq(workpool_pending(c.wp), 0);
	for (unsigned int i = 0; i < N; i++) {
		ck_assert_uint_eq(c.jobs[i].n_done, 1);
		ck_assert(c.jobs[i].done_on_loop);
		ck_assert_int_eq(c.jobs[i].status, (int)(i % 1000));
		check_digest(&c.jobs[i]);
	}
	/* drain with nothing completed is a no-op */
	workpool_drain(c.wp);
	ck_assert_uint_eq(c.n_done, N);
	ctx_fini(&c);
}
END_TEST

Suite *workpool_suite(void)
{
	Suite *s = suite_create("workpool");
	TCase *tc = tcase_create("workpool");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_workpool_input);
	tcase_add_test(tc, test_workpool_threads);
	tcase_add_test(tc, test_workpool_many_jobs_on_loop_thread);
	tcase_add_test(tc, test_workpool_done_submits);
	tcase_add_test(tc, test_workpool_queue_full);
	tcase_add_test(tc, test_workpool_cancel);
	tcase_add_test(tc, test_workpool_cancel_same_arg);
	tcase_add_test(tc, test_workpool_free_pending);
	tcase_add_test(tc, test_workpool_no_loop_flush);
	suite_add_tcase(s, tc);
	return s;
}
