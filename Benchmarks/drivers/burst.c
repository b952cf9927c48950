/*
 * burst: opens N connections at once, sends the same POST on each, reads one answer per
 * connection, and watches the server process meanwhile. The client of benchmarks 6 (20 concurrent
 * 40 MB uploads) and 7 (10,000 concurrent delayed requests).
 *
 * One thread, non-blocking sockets and epoll: every connection is opened (connect() issued) before
 * the loop starts, then each sends `head + body` as fast as the socket takes it and reads until its
 * answer is complete (Content-Length) or the server closes. The body file is mmap'ed once and shared
 * by all connections, so the client's own memory stays small whatever N and the body size are.
 *
 * --watch PID samples /proc/PID/status (Threads, VmRSS, VmHWM) before the burst, every
 * --interval-ms (50) during it, and after it, plus the server's CPU time (/proc/PID/stat) over the
 * burst. It also reports how many SYNs the kernel dropped on full accept queues meanwhile
 * (TcpExt ListenOverflows, namespace-wide): each such connection starts 1 s late.
 *
 * Usage: burst --port P [--host 127.0.0.1] --connections N [--path /v1/images/generations]
 *              [--content-type application/json] [--body FILE] [--key sk-bench]
 *              [--watch PID] [--interval-ms 50] [--timeout-s 60]
 * Prints one JSON object on stdout. RLIMIT_NOFILE is raised to N + 64 (up to the hard limit).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum phase { SENDING, RECEIVING, DONE, FAILED };

struct connection {
    int fd;
    enum phase phase;
    size_t sent;             /* bytes of head + body written */
    size_t received;         /* bytes of the answer read */
    size_t head_end;         /* answer bytes up to the blank line; 0 until seen */
    long long content_length;
    int status;
    double done_ms;          /* since the start of the burst */
    char head[2048];         /* the answer's first bytes (status line, headers) */
    size_t head_used;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct watch {
    int pid;
    long max_threads, first_threads, last_threads;
    long max_rss_kb, hwm_kb, first_hwm_kb, last_rss_kb;
    long samples;
    long long cpu_ticks_before, cpu_ticks_after;
};

/* Threads, VmRSS and VmHWM of the watched process; 0 on success. */
static int sample_status(int pid, long *threads, long *rss_kb, long *hwm_kb)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *file = fopen(path, "r");
    if (file == NULL) return -1;
    while (fgets(line, sizeof line, file) != NULL) {
        if (strncmp(line, "Threads:", 8) == 0) *threads = strtol(line + 8, NULL, 10);
        else if (strncmp(line, "VmRSS:", 6) == 0) *rss_kb = strtol(line + 6, NULL, 10);
        else if (strncmp(line, "VmHWM:", 6) == 0) *hwm_kb = strtol(line + 6, NULL, 10);
    }
    fclose(file);
    return 0;
}

/* utime + stime of the watched process, in clock ticks. */
static long long cpu_ticks(int pid)
{
    char path[64], buffer[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *file = fopen(path, "r");
    if (file == NULL) return -1;
    size_t n = fread(buffer, 1, sizeof buffer - 1, file);
    fclose(file);
    buffer[n] = '\0';
    char *cursor = strrchr(buffer, ')');   /* the command name may hold spaces */
    if (cursor == NULL) return -1;
    unsigned long long utime = 0, stime = 0;
    /* After ") ": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(cursor + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    return (long long)(utime + stime);
}

static void watch_sample(struct watch *watch)
{
    long threads = 0, rss = 0, hwm = 0;
    if (watch->pid <= 0 || sample_status(watch->pid, &threads, &rss, &hwm) != 0) return;
    if (watch->samples == 0) { watch->first_threads = threads; watch->first_hwm_kb = hwm; }
    watch->samples++;
    watch->last_threads = threads;
    watch->last_rss_kb = rss;
    if (threads > watch->max_threads) watch->max_threads = threads;
    if (rss > watch->max_rss_kb) watch->max_rss_kb = rss;
    if (hwm > watch->hwm_kb) watch->hwm_kb = hwm;
}

/* TcpExt ListenOverflows from /proc/net/netstat: SYNs dropped because an accept
 * queue was full, for every listener in this network namespace. A dropped SYN is retried after the
 * initial retransmission timeout (1 s), which shows as a tail in the answers' times. */
static long long listen_overflows(void)
{
    char names[4096], values[4096];
    FILE *file = fopen("/proc/net/netstat", "r");
    if (file == NULL) return -1;
    long long result = -1;
    while (fgets(names, sizeof names, file) != NULL && fgets(values, sizeof values, file) != NULL) {
        if (strncmp(names, "TcpExt:", 7) != 0) continue;
        char *name_save = NULL, *value_save = NULL;
        char *name = strtok_r(names, " \n", &name_save), *value = strtok_r(values, " \n", &value_save);
        result = 0;
        while (name != NULL && value != NULL) {
            if (strcmp(name, "ListenOverflows") == 0) result += atoll(value);
            name = strtok_r(NULL, " \n", &name_save);
            value = strtok_r(NULL, " \n", &value_save);
        }
        break;
    }
    fclose(file);
    return result;
}

static char *map_file(const char *name, size_t *size)
{
    int fd = open(name, O_RDONLY);
    if (fd < 0) { fprintf(stderr, "burst: cannot open %s: %s\n", name, strerror(errno)); exit(2); }
    struct stat info;
    fstat(fd, &info);
    *size = (size_t)info.st_size;
    if (*size == 0) { close(fd); return NULL; }
    char *data = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED) { fprintf(stderr, "burst: cannot map %s\n", name); exit(2); }
    return data;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* After the answer's head arrived: its status and Content-Length (-1 when absent). */
static void parse_head(struct connection *c)
{
    c->head[c->head_used < sizeof c->head ? c->head_used : sizeof c->head - 1] = '\0';
    if (strncmp(c->head, "HTTP/1.", 7) == 0) c->status = atoi(c->head + 9);
    c->content_length = -1;
    for (char *line = strstr(c->head, "\r\n"); line != NULL && line + 2 < c->head + c->head_end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "content-length:", 15) == 0) { c->content_length = atoll(line + 17); break; }
    }
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *path = "/v1/images/generations", *content_type = "application/json";
    const char *body_file = NULL, *key = "sk-bench";
    int port = 0, count = 0, interval_ms = 50, timeout_s = 60;
    struct watch watch = { 0 };
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *arg = argv[i], *value = argv[i + 1];
        if (strcmp(arg, "--host") == 0) host = value;
        else if (strcmp(arg, "--port") == 0) port = atoi(value);
        else if (strcmp(arg, "--connections") == 0) count = atoi(value);
        else if (strcmp(arg, "--path") == 0) path = value;
        else if (strcmp(arg, "--content-type") == 0) content_type = value;
        else if (strcmp(arg, "--body") == 0) body_file = value;
        else if (strcmp(arg, "--key") == 0) key = value;
        else if (strcmp(arg, "--watch") == 0) watch.pid = atoi(value);
        else if (strcmp(arg, "--interval-ms") == 0) interval_ms = atoi(value);
        else if (strcmp(arg, "--timeout-s") == 0) timeout_s = atoi(value);
        else { fprintf(stderr, "burst: unknown option %s\n", arg); return 2; }
    }
    if (port <= 0 || count <= 0 || interval_ms <= 0) {
        fprintf(stderr, "usage: burst --port P --connections N [--host H] [--path P] [--content-type T] "
                        "[--body FILE] [--key K] [--watch PID] [--interval-ms 50] [--timeout-s 60]\n");
        return 2;
    }

    signal(SIGPIPE, SIG_IGN);   /* a server closing early must not kill the client */
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < (rlim_t)count + 64) {
        limit.rlim_cur = (rlim_t)count + 64 < limit.rlim_max ? (rlim_t)count + 64 : limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur < (rlim_t)count + 16) {
        fprintf(stderr, "burst: RLIMIT_NOFILE is %llu, too low for %d connections\n", (unsigned long long)limit.rlim_cur, count);
        return 2;
    }

    size_t body_size = 0;
    char *body = body_file ? map_file(body_file, &body_size) : NULL;
    char head[1024];
    int head_size = snprintf(head, sizeof head,
        "POST %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\n"
        "Content-Length: %zu\r\nConnection: close\r\n\r\n", path, host, port, key, content_type, body_size);
    size_t request_size = (size_t)head_size + body_size;

    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) { fprintf(stderr, "burst: numeric IPv4 host only\n"); return 2; }

    struct connection *connections = calloc((size_t)count, sizeof *connections);
    int epoll = epoll_create1(0);
    long connect_errors = 0, reset_errors = 0, timeouts = 0;

    if (watch.pid > 0) { watch_sample(&watch); watch.cpu_ticks_before = cpu_ticks(watch.pid); }
    long long overflows_before = listen_overflows();
    double started = now_ms();
    for (int i = 0; i < count; i++) {
        struct connection *c = &connections[i];
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c->fd < 0) { c->phase = FAILED; connect_errors++; continue; }
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c->fd, (struct sockaddr *)&address, sizeof address) != 0 && errno != EINPROGRESS) {
            close(c->fd); c->phase = FAILED; connect_errors++; continue;
        }
        struct epoll_event event = { .events = EPOLLOUT, .data.u32 = (uint32_t)i };
        epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &event);
    }
    double connects_issued = now_ms() - started;

    int open = count - (int)connect_errors;
    double next_sample = now_ms() + interval_ms;
    double deadline = started + timeout_s * 1e3;
    struct epoll_event events[1024];
    static char sink[1 << 16];
    while (open > 0) {
        double now = now_ms();
        if (now >= deadline) break;
        if (watch.pid > 0 && now >= next_sample) { watch_sample(&watch); next_sample = now + interval_ms; }
        int wait = watch.pid > 0 ? (int)(next_sample - now) + 1 : 100;
        int ready = epoll_wait(epoll, events, 1024, wait < 1 ? 1 : wait);
        for (int e = 0; e < ready; e++) {
            struct connection *c = &connections[events[e].data.u32];
            if (c->phase == SENDING) {
                if (c->sent == 0) {
                    int error = 0;
                    socklen_t length = sizeof error;
                    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length);
                    if (error != 0) { c->phase = FAILED; connect_errors++; close(c->fd); open--; continue; }
                }
                for (;;) {
                    struct iovec parts[2];
                    int n_parts = 0;
                    if (c->sent < (size_t)head_size) {
                        parts[n_parts++] = (struct iovec){ head + c->sent, (size_t)head_size - c->sent };
                        if (body_size) parts[n_parts++] = (struct iovec){ body, body_size };
                    } else {
                        size_t offset = c->sent - (size_t)head_size;
                        parts[n_parts++] = (struct iovec){ body + offset, body_size - offset };
                    }
                    ssize_t n = writev(c->fd, parts, n_parts);
                    if (n < 0) {
                        if (errno == EAGAIN) break;
                        /* The server may answer early and close (413 and the like): read the answer. */
                        c->phase = RECEIVING;
                        break;
                    }
                    c->sent += (size_t)n;
                    if (c->sent == request_size) { c->phase = RECEIVING; break; }
                }
                if (c->phase == RECEIVING) {
                    struct epoll_event event = { .events = EPOLLIN, .data.u32 = events[e].data.u32 };
                    epoll_ctl(epoll, EPOLL_CTL_MOD, c->fd, &event);
                }
                continue;
            }
            if (c->phase != RECEIVING) continue;
            for (;;) {
                ssize_t n = read(c->fd, sink, sizeof sink);
                if (n < 0 && errno == EAGAIN) break;
                if (n <= 0) {   /* closed (or reset): done with whatever arrived */
                    if (c->head_end == 0) { reset_errors++; c->phase = FAILED; }
                    else c->phase = DONE;
                    break;
                }
                if (c->head_used < sizeof c->head) {
                    size_t room = sizeof c->head - c->head_used;
                    size_t take = (size_t)n < room ? (size_t)n : room;
                    memcpy(c->head + c->head_used, sink, take);
                    c->head_used += take;
                }
                c->received += (size_t)n;
                if (c->head_end == 0) {
                    /* Skip interim answers (100 Continue). */
                    char *end;
                    while (c->head_used >= 4 && (end = memmem(c->head, c->head_used, "\r\n\r\n", 4)) != NULL) {
                        size_t length = (size_t)(end - c->head) + 4;
                        if (strncmp(c->head, "HTTP/1.1 1", 10) == 0) {
                            memmove(c->head, c->head + length, c->head_used - length);
                            c->head_used -= length;
                            c->received -= length;
                            continue;
                        }
                        c->head_end = length;
                        parse_head(c);
                        break;
                    }
                }
                if (c->head_end && c->content_length >= 0 && c->received >= c->head_end + (size_t)c->content_length) {
                    c->phase = DONE;
                    break;
                }
            }
            if (c->phase == DONE || c->phase == FAILED) {
                c->done_ms = now_ms() - started;
                close(c->fd);
                open--;
            }
        }
    }
    double wall = now_ms() - started;
    for (int i = 0; i < count; i++) {
        if (connections[i].phase == SENDING || connections[i].phase == RECEIVING) { timeouts++; close(connections[i].fd); }
    }
    if (watch.pid > 0) { watch_sample(&watch); watch.cpu_ticks_after = cpu_ticks(watch.pid); }
    long long overflows = overflows_before >= 0 ? listen_overflows() - overflows_before : -1;

    /* Answers by status, and latency percentiles of the completed ones. */
    int statuses[600] = { 0 };
    double *latencies = malloc((size_t)count * sizeof *latencies);
    int done = 0;
    for (int i = 0; i < count; i++) {
        if (connections[i].phase != DONE) continue;
        int status = connections[i].status;
        statuses[status >= 0 && status < 600 ? status : 0]++;
        latencies[done++] = connections[i].done_ms;
    }
    qsort(latencies, (size_t)done, sizeof *latencies, compare_doubles);
    double p50 = done ? latencies[done / 2] : 0, p99 = done ? latencies[(int)(done * 0.99) < done ? (int)(done * 0.99) : done - 1] : 0;
    double first = done ? latencies[0] : 0, last = done ? latencies[done - 1] : 0;

    printf("{\"connections\": %d, \"request_bytes\": %zu, \"wall_ms\": %.3f, \"connects_issued_ms\": %.3f, "
           "\"completed\": %d, \"connect_errors\": %ld, \"resets\": %ld, \"timeouts\": %ld, "
           "\"first_ms\": %.3f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"last_ms\": %.3f, "
           "\"listen_overflows\": %lld, \"statuses\": {",
           count, request_size, wall, connects_issued, done, connect_errors, reset_errors, timeouts,
           first, p50, p99, last, overflows);
    const char *separator = "";
    for (int s = 0; s < 600; s++) {
        if (statuses[s]) { printf("%s\"%d\": %d", separator, s, statuses[s]); separator = ", "; }
    }
    printf("}");
    if (watch.pid > 0) {
        long hz = sysconf(_SC_CLK_TCK);
        printf(", \"watch\": {\"pid\": %d, \"samples\": %ld, \"interval_ms\": %d, \"threads_before\": %ld, "
               "\"threads_max\": %ld, \"threads_after\": %ld, \"rss_max_kb\": %ld, \"rss_after_kb\": %ld, "
               "\"hwm_before_kb\": %ld, \"hwm_kb\": %ld, \"cpu_ms\": %.1f}",
               watch.pid, watch.samples, interval_ms, watch.first_threads, watch.max_threads, watch.last_threads,
               watch.max_rss_kb, watch.last_rss_kb, watch.first_hwm_kb, watch.hwm_kb,
               (double)(watch.cpu_ticks_after - watch.cpu_ticks_before) * 1e3 / (double)hz);
    }
    printf("}\n");

    /* One line for the person watching (stderr; the JSON above is for summarize.py). */
    fprintf(stderr, "%d/%d answered in %.0f ms (", done, count, wall);
    separator = "";
    for (int s = 0; s < 600; s++) {
        if (statuses[s]) { fprintf(stderr, "%s%d x %d", separator, statuses[s], s); separator = ", "; }
    }
    fprintf(stderr, ")");
    if (watch.pid > 0)
        fprintf(stderr, "; server peak RSS %.0f MiB, threads max %ld", watch.hwm_kb / 1024.0, watch.max_threads);
    if (overflows > 0) fprintf(stderr, "; %lld SYNs dropped on full accept queues (retried after 1 s)", overflows);
    fprintf(stderr, "\n");
    return (done == count) ? 0 : 1;
}
