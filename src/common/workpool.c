/*
 * The crypto worker pool: one mutex guards both FIFOs (waiting jobs and completed jobs) and the
 * running count; workers sleep on work_cond, workpool_flush() on idle_cond. A worker that
 * completes a job into an empty completed FIFO writes the eventfd; the loop's dispatch reads
 * the eventfd first and then takes the whole FIFO, so no completion is ever left without a
 * wake-up (a push after the take finds the FIFO empty and writes again; one before it is taken
 * along). done() callbacks run with no lock held, on a FIFO detached from the pool, so they may
 * submit, cancel or drain.
 */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/workpool.h"

#define WORKPOOL_MAX_QUEUE (1u << 24)

struct wp_job {
	struct wp_job *next;
	workpool_work_fn work;
	workpool_done_fn done;
	void *arg;
	int status;
};

struct wp_fifo {
	struct wp_job *head, *tail;
	size_t n;
};

struct workpool {
	qb_loop_t *loop; /* borrowed; NULL: completions only through workpool_drain() */
	int efd; /* -1 without a loop */
	size_t max_queue;
	unsigned int n_threads; /* requested */
	unsigned int n_started;
	pthread_t *threads;
	/* loop thread only: submitted jobs whose done() has not run */
	size_t pending;

	pthread_mutex_t lock;
	pthread_cond_t work_cond; /* a job is waiting, or stopping */
	pthread_cond_t idle_cond; /* nothing waiting or running */
	/* guarded by lock */
	struct wp_fifo waiting;
	struct wp_fifo completed;
	size_t running;
	bool stopping;
};

static void fifo_push(struct wp_fifo *f, struct wp_job *j)
{
	j->next = NULL;
	if (f->tail)
		f->tail->next = j;
	else
		f->head = j;
	f->tail = j;
	f->n++;
}

static struct wp_job *fifo_pop(struct wp_fifo *f)
{
	struct wp_job *j = f->head;

	if (!j)
		return NULL;
	f->head = j->next;
	if (!f->head)
		f->tail = NULL;
	f->n--;
	j->next = NULL;
	return j;
}

/* Wakes the loop; called without the lock, only while the eventfd is open. */
static void wp_signal(struct workpool *wp)
{
	uint64_t one = 1;
	ssize_t r;

	if (wp->efd < 0)
		return;
	/* EAGAIN only when the counter is near 2^64: the loop is awake anyway */
	r = write(wp->efd, &one, sizeof(one));
	(void)r;
}

/* With the lock held: wake workpool_flush() when nothing is waiting or running. */
static void wp_check_idle(struct workpool *wp)
{
	if (!wp->waiting.n && !wp->running)
		pthread_cond_broadcast(&wp->idle_cond);
}

static void *wp_worker(void *data)
{
	struct workpool *wp = data;
	struct wp_job *j;
	bool wake;

	pthread_mutex_lock(&wp->lock);
	for (;;) {
		while (!wp->stopping && !wp->waiting.n)
			pthread_cond_wait(&wp->work_cond, &wp->lock);
		if (wp->stopping)
			break;
		j = fifo_pop(&wp->waiting);
		wp->running++;
		pthread_mutex_unlock(&wp->lock);

		j->status = j->work(j->arg);

		pthread_mutex_lock(&wp->lock);
		wp->running--;
		wake = !wp->completed.n;
		fifo_push(&wp->completed, j);
		wp_check_idle(wp);
		if (wake) {
			/* the eventfd stays open until every worker is joined */
			pthread_mutex_unlock(&wp->lock);
			wp_signal(wp);
			pthread_mutex_lock(&wp->lock);
		}
	}
	pthread_mutex_unlock(&wp->lock);
	return NULL;
}

static int32_t wp_dispatch(int32_t fd, int32_t revents, void *data)
{
	struct workpool *wp = data;
	uint64_t count;
	ssize_t r;

	UNUSED(revents);
	/* reset the counter before taking the FIFO (see the top of this file) */
	r = read(fd, &count, sizeof(count));
	(void)r;
	workpool_drain(wp);
	return 0;
}

void workpool_drain(struct workpool *wp)
{
	struct wp_fifo list;
	struct wp_job *j;

	if (!wp)
		return;
	pthread_mutex_lock(&wp->lock);
	list = wp->completed;
	wp->completed = (struct wp_fifo){ 0 };
	pthread_mutex_unlock(&wp->lock);

	while ((j = fifo_pop(&list))) {
		assert(wp->pending > 0);
		wp->pending--;
		j->done(j->arg, j->status);
		free(j);
	}
}

/* Stops and joins the started workers; waiting jobs move to the completed FIFO as cancelled. */
static void wp_stop(struct workpool *wp)
{
	struct wp_job *j;

	pthread_mutex_lock(&wp->lock);
	wp->stopping = true;
	while ((j = fifo_pop(&wp->waiting))) {
		j->status = -ECANCELED;
		fifo_push(&wp->completed, j);
	}
	pthread_cond_broadcast(&wp->work_cond);
	pthread_mutex_unlock(&wp->lock);
	for (unsigned int i = 0; i < wp->n_started; i++)
		pthread_join(wp->threads[i], NULL);
	wp->n_started = 0;
}

/* Releases what wp_init() set up (workers already joined). */
static void wp_destroy(struct workpool *wp)
{
	if (wp->efd >= 0) {
		if (wp->loop)
			qb_loop_poll_del(wp->loop, wp->efd);
		close(wp->efd);
	}
	pthread_cond_destroy(&wp->idle_cond);
	pthread_cond_destroy(&wp->work_cond);
	pthread_mutex_destroy(&wp->lock);
	free(wp->threads);
	free(wp);
}

static int wp_start_threads(struct workpool *wp)
{
	sigset_t all, old;
	int rc = 0;

	/* workers inherit a mask that blocks every signal: signals go to the loop thread */
	sigfillset(&all);
	rc = -pthread_sigmask(SIG_SETMASK, &all, &old);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < wp->n_threads; i++) {
		rc = -pthread_create(&wp->threads[i], NULL, wp_worker, wp);
		if (rc)
			break;
		wp->n_started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int workpool_new_sized(struct workpool **out, qb_loop_t *loop, unsigned int threads,
		       size_t max_queue)
{
	struct workpool *wp;
	long cores;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (threads > WORKPOOL_MAX_THREADS || max_queue < 1 || max_queue > WORKPOOL_MAX_QUEUE)
		return -EINVAL;
	if (!threads) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores < 1			 ? 1
			  : cores > WORKPOOL_MAX_THREADS ? WORKPOOL_MAX_THREADS
							 : (unsigned int)cores;
	}

	wp = calloc(1, sizeof(*wp));
	if (!wp)
		return -ENOMEM;
	wp->loop = loop;
	wp->efd = -1;
	wp->max_queue = max_queue;
	wp->n_threads = threads;
	pthread_mutex_init(&wp->lock, NULL);
	pthread_cond_init(&wp->work_cond, NULL);
	pthread_cond_init(&wp->idle_cond, NULL);
	wp->threads = calloc(threads, sizeof(*wp->threads));
	if (!wp->threads) {
		rc = -ENOMEM;
		goto err;
	}
	if (loop) {
		wp->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (wp->efd < 0) {
			rc = -errno;
			goto err;
		}
		rc = qb_loop_poll_add(loop, QB_LOOP_HIGH, wp->efd, POLLIN, wp, wp_dispatch);
		if (rc) {
			/* not registered: wp_destroy() must not delete it */
			close(wp->efd);
			wp->efd = -1;
			rc = rc < 0 ? rc : -EIO;
			goto err;
		}
	}
	rc = wp_start_threads(wp);
	if (rc)
		goto err_stop;
	*out = wp;
	return 0;

err_stop:
	wp_stop(wp);
err:
	wp_destroy(wp);
	return rc;
}

int workpool_new(struct workpool **out, qb_loop_t *loop, unsigned int threads)
{
	return workpool_new_sized(out, loop, threads, WORKPOOL_DEFAULT_QUEUE);
}

void workpool_free(struct workpool *wp)
{
	if (!wp)
		return;
	wp_stop(wp);
	/* done() callbacks that submit get -ESHUTDOWN, so this ends */
	do
		workpool_drain(wp);
	while (wp->completed.n);
	assert(wp->pending == 0);
	wp_destroy(wp);
}

int workpool_submit(struct workpool *wp, workpool_work_fn work, workpool_done_fn done, void *arg)
{
	struct wp_job *j;
	int rc = 0;

	if (!wp || !work || !done)
		return -EINVAL;
	j = malloc(sizeof(*j));
	if (!j)
		return -ENOMEM;
	*j = (struct wp_job){ .work = work, .done = done, .arg = arg };

	pthread_mutex_lock(&wp->lock);
	if (wp->stopping)
		rc = -ESHUTDOWN;
	else if (wp->waiting.n >= wp->max_queue)
		rc = -EAGAIN;
	else {
		fifo_push(&wp->waiting, j);
		pthread_cond_signal(&wp->work_cond);
	}
	pthread_mutex_unlock(&wp->lock);
	if (rc)
		free(j);
	else
		wp->pending++;
	return rc;
}

int workpool_cancel(struct workpool *wp, void *arg)
{
	struct wp_fifo keep = { 0 };
	struct wp_job *j;
	size_t n = 0;
	bool wake;

	if (!wp)
		return -EINVAL;
	pthread_mutex_lock(&wp->lock);
	wake = !wp->completed.n;
	while ((j = fifo_pop(&wp->waiting))) {
		if (j->arg != arg) {
			fifo_push(&keep, j);
			continue;
		}
		j->status = -ECANCELED;
		fifo_push(&wp->completed, j);
		n++;
	}
	wp->waiting = keep;
	if (n)
		wp_check_idle(wp);
	pthread_mutex_unlock(&wp->lock);
	if (!n)
		return -ENOENT;
	if (wake)
		wp_signal(wp);
	return 0;
}

unsigned int workpool_threads(const struct workpool *wp)
{
	return wp ? wp->n_threads : 0;
}

size_t workpool_pending(struct workpool *wp)
{
	return wp ? wp->pending : 0;
}

void workpool_flush(struct workpool *wp)
{
	if (!wp)
		return;
	pthread_mutex_lock(&wp->lock);
	while (wp->waiting.n || wp->running)
		pthread_cond_wait(&wp->idle_cond, &wp->lock);
	pthread_mutex_unlock(&wp->lock);
	workpool_drain(wp);
}
