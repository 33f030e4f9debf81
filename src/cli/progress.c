/* progress.c: the one progress line of the long commands (scan, copy) on a terminal. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double fe_progress_delay(void)
{
	const char *e = getenv("NTFSLINKS_PROGRESS_DELAY_MS");
	char *end;
	long ms;

	if (!e || !*e)
		return 0.25;
	ms = strtol(e, &end, 10);
	if (*end || ms < 0)
		return 0.25;
	return ms / 1000.0;
}

void fe_progress_init(struct fe_progress *p, const char *what, const char *unit)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	p->unit = unit;
	p->enabled = isatty(STDERR_FILENO) && getenv("NTFSLINKS_NO_PROGRESS") == NULL;
	p->start = now_seconds();
}

/* Is an update due?  Sets *@elapsed (seconds since the start) if so. */
static bool due(struct fe_progress *p, double *elapsed)
{
	double t;

	if (!p || !p->enabled)
		return false;
	t = now_seconds();
	*elapsed = t - p->start;
	if (*elapsed < fe_progress_delay() || t - p->last < 0.1)
		return false;
	p->last = t;
	p->shown = true;
	return true;
}

int fe_progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	struct fe_progress *p = ctx;
	double el;

	if (!due(p, &el))
		return 0;
	if (total) {
		double rate = done / (el > 0 ? el : 1);
		double eta = rate > 0 ? (total - done) / rate : 0;

		fprintf(stderr, "\r%s: %llu/%llu %s (%3.0f%%), %.0f/s, eta %.0fs \033[K",
			p->what, (unsigned long long)done,
			(unsigned long long)total, p->unit,
			100.0 * done / total, rate, eta);
	} else {
		fprintf(stderr, "\r%s: %llu %s \033[K", p->what,
			(unsigned long long)done, p->unit);
	}
	return 0;
}

static void human_bytes(uint64_t b, char *buf, size_t n)
{
	const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

void fe_progress_bytes(struct fe_progress *p, uint64_t done, uint64_t total,
		       uint64_t bytes_done, uint64_t bytes_total)
{
	char bd[32], bt[32], rb[32];
	double el, rate, eta;

	if (!due(p, &el))
		return;
	rate = bytes_done / (el > 0 ? el : 1);
	eta = rate > 0 && bytes_total > bytes_done ? (double)(bytes_total - bytes_done) / rate : 0;
	human_bytes(bytes_done, bd, sizeof(bd));
	human_bytes(bytes_total, bt, sizeof(bt));
	human_bytes((uint64_t)rate, rb, sizeof(rb));
	fprintf(stderr, "\r%s: %llu/%llu %s, %s/%s, %s/s, eta %.0fs \033[K", p->what,
		(unsigned long long)done, (unsigned long long)total, p->unit, bd, bt, rb, eta);
}

void fe_progress_end(struct fe_progress *p)
{
	if (p && p->shown)
		fputs("\r\033[K", stderr);
	if (p)
		p->shown = false;
}
