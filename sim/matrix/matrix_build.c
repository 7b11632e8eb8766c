/* sim/matrix/matrix_build.c — build every cell, using both cores.
 *
 * Workers are forked processes (build_participants keeps per-process
 * caches); each builds the cells i ≡ w (mod jobs) and reports one line per
 * cell over a pipe.  Then cells with identical code (same .text of both
 * participants, same architecture, engine and scenario) are grouped: the
 * first of a group is its leader and the only one that runs. */
#define _GNU_SOURCE
#include "matrix.h"
#include "build/build.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void worker(struct matrix *m, unsigned w, unsigned jobs, FILE *out)
{
    for (unsigned i = w; i < m->ncells; i += jobs) {
        struct matrix_cell *c = &m->cells[i];
        if (c->skipped) {
            fprintf(out, "%u skip\n", i);
            fflush(out);
            continue;
        }
        struct build_out b;
        char err[600] = "";
        const struct engine *e = engine_find(c->cfg->engine);
        if (!e) {
            fprintf(out, "%u fail unknown engine '%s'\n", i, c->cfg->engine);
        } else if (build_participants(c->cfg, e->build_profile, &b, err, sizeof err) < 0) {
            for (char *p = err; *p; p++)
                if (*p == '\n') *p = ' ';
            fprintf(out, "%u fail %s\n", i, err);
        } else {
            fprintf(out, "%u ok %016llx %016llx %s\n", i, (unsigned long long)b.hv_text_hash,
                    (unsigned long long)b.be_text_hash, b.hv);
        }
        fflush(out);
    }
}

/* Fork up to 'jobs' workers writing to fds[1]; their pids into pids.
 * Returns how many started (if not all, the started ones are killed: a
 * partial set would leave cells unbuilt). */
static unsigned start_workers(struct matrix *m, unsigned jobs, int fds[2], pid_t *pids)
{
    unsigned started = 0;
    for (unsigned w = 0; w < jobs; w++) {
        /* fork without exec: a worker is this hvsim building its share of
         * the cells (util/process.h is for starting programs) */
        pid_t p = fork();
        if (p < 0)
            break;
        if (p == 0) {
            close(fds[0]);
            FILE *out = fdopen(fds[1], "w");
            worker(m, w, jobs, out);
            fclose(out);
            _exit(0);
        }
        pids[started++] = p;
    }
    if (started < jobs)
        for (unsigned i = 0; i < started; i++)
            kill(pids[i], SIGKILL);
    return started;
}

/* One worker line ("I skip", "I fail ERR", "I ok HVHASH BEHASH HVPATH")
 * into its cell; the cell's index, or -1 for a line that is none of them. */
static int take_line(struct matrix *m, char *line)
{
    unsigned i;
    char kind[8];
    int off = 0;
    if (sscanf(line, "%u %7s %n", &i, kind, &off) < 2 || i >= m->ncells)
        return -1;
    struct matrix_cell *c = &m->cells[i];
    char *rest = line + off;
    rest[strcspn(rest, "\n")] = 0;
    if (!strcmp(kind, "fail")) {
        c->build_failed = 1;
        snprintf(c->build_err, sizeof c->build_err, "%s", rest);
    } else if (!strcmp(kind, "ok")) {
        unsigned long long a, b;
        char path[600];
        if (sscanf(rest, "%llx %llx %599s", &a, &b, path) == 3) {
            c->hv_hash = a;
            c->be_hash = b;
            snprintf(c->hv_path, sizeof c->hv_path, "%s", path);
        }
    }
    return (int)i;
}

/* Read the workers' lines until every worker has closed the pipe. */
static void collect(struct matrix *m, int fd)
{
    FILE *in = fdopen(fd, "r");
    if (!in) {
        close(fd);
        return;
    }
    char line[1400];
    unsigned done = 0;
    uint64_t t0 = mono_ns();
    while (fgets(line, sizeof line, in)) {
        int i = take_line(m, line);
        if (i < 0)
            continue;
        done++;
        matrix_progress(m, done, m->ncells, m->cells[i].id, t0);
    }
    fclose(in);
}

/* Cells that run the same code under the same settings share one run. */
static int same_run(const struct matrix_cell *l, const struct matrix_cell *c)
{
    return l->leader < 0 && !l->skipped && !l->build_failed && l->hv_hash == c->hv_hash &&
           l->be_hash == c->be_hash && !strcmp(l->cfg->v.arch, c->cfg->v.arch) &&
           !strcmp(l->cfg->engine, c->cfg->engine) && !strcmp(l->cfg->name, c->cfg->name) &&
           !strcmp(l->cfg->memory_model, c->cfg->memory_model) && /* det: same binary, other model */
           l->cfg->runs == c->cfg->runs;
}

/* dedup: a leader per distinct (scenario, engine, arch, hv .text, backend .text) */
static void choose_leaders(struct matrix *m)
{
    for (unsigned i = 0; i < m->ncells; i++) {
        struct matrix_cell *c = &m->cells[i];
        if (c->skipped || c->build_failed || !c->hv_hash)
            continue;
        for (unsigned j = 0; j < i; j++)
            if (same_run(&m->cells[j], c)) {
                c->leader = (int)j;
                break;
            }
    }
}

int matrix_build_all(struct matrix *m, char *err, size_t errlen)
{
    unsigned jobs = m->jobs ? m->jobs : 2;
    int fds[2];
    if (pipe(fds) < 0) {
        snprintf(err, errlen, "pipe failed");
        return -1;
    }
    pid_t *pids = calloc(jobs, sizeof *pids); /* as many as --jobs asks, not a fixed table */
    if (!pids) {
        close(fds[0]);
        close(fds[1]);
        snprintf(err, errlen, "out of memory for %u build workers", jobs);
        return -1;
    }
    unsigned started = start_workers(m, jobs, fds, pids);
    close(fds[1]);
    collect(m, fds[0]);
    for (unsigned w = 0; w < started; w++)
        waitpid(pids[w], 0, 0);
    free(pids);
    if (started < jobs) {
        snprintf(err, errlen, "could not start build workers (%u of %u forked)", started, jobs);
        return -1;
    }
    choose_leaders(m);
    return 0;
}

void matrix_progress(const struct matrix *m, unsigned done, unsigned total, const char *what,
                     uint64_t start_ns)
{
    if (!m->progress)
        return;
    double el = (double)(mono_ns() - start_ns) / 1e9;
    double eta = done ? el / done * (total - done) : 0;
    fprintf(stderr, "\r\033[K[%u/%u] %.60s  ETA %.0fs", done, total, what, eta);
    if (done == total)
        fprintf(stderr, "\r\033[K");
    fflush(stderr);
}
