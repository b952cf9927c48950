/*
 * mhd_baseline: the plain-C libmicrohttpd reference the images-mock benchmarks compare against.
 *
 * It answers:
 *   POST <--path>          reads the whole request body, then answers <--status> with the bytes of
 *                          <--body FILE> (and the header lines of <--headers FILE>, if given);
 *   GET  /__admin/health   200 {"status": "ok"}
 *   anything else          404, empty body.
 *
 * The daemon runs exactly as images-mock's does (Sources/CMicroHTTPD/shim.h): internal polling
 * thread pool + epoll + suspend/resume + ITC, 2 threads, connection limit 16384 (--connection-limit), 64 KiB connection
 * memory limit (--memory-limit), 60 s timeout, backlog 4096 (the kernel caps it at somaxconn), the
 * same request-target unescaper, and the same 4 MiB receive buffer for accepted connections where
 * net.core.rmem_max allows it (--receive-buffer; 0 keeps the kernel's autotuning). The response
 * is created per request from the loaded bytes without copying them (MHD_RESPMEM_PERSISTENT): the
 * cheapest answer MHD can give, i.e. the ceiling a server on this library can reach. `--copy` makes MHD copy the body per request instead
 * (MHD_RESPMEM_MUST_COPY, as the mock does), and `--memory-limit` changes the connection memory
 * limit (default 64 KiB, the mock's), both for analysis only.
 *
 * `--delay-ms N` holds every answer N ms the way the mock's `--latency-ms` does: the connection is
 * suspended (MHD_suspend_connection) once the body is read, and one timer thread resumes it when its
 * time has come (delays are all equal, so a FIFO queue is in due order). It is the reference of
 * benchmark 7 (10,000 concurrent delayed requests): what the same daemon costs without the mock.
 *
 * Usage: mhd_baseline [--host 127.0.0.1] [--port 0] [--threads 2] [--path P] [--status N]
 *                     [--body FILE] [--headers FILE] [--copy] [--memory-limit BYTES]
 *                     [--connection-limit N] [--delay-ms N] [--receive-buffer BYTES]
 *        mhd_baseline --version     (prints and exits: the process-start cost alone, for hyperfine)
 * When ready it prints `mhd-baseline listening on http://HOST:PORT` (flushed); SIGTERM/SIGINT stop it.
 *
 * --headers FILE: a header block as `curl -D` writes it (the status line and Content-Length,
 * Date, Connection and Transfer-Encoding are skipped; MHD sets those itself).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>
/* The mock's own request-target unescaper (it keeps "%00" as sent), so both daemons decode alike. */
#include "../../Sources/CMicroHTTPD/shim.h"

#define MAX_HEADERS 64

struct header { char *name; char *value; };

struct config {
    const char *path;
    unsigned int status;
    char *body;
    size_t body_size;
    struct header headers[MAX_HEADERS];
    size_t header_count;
    int copy;
    unsigned int delay_ms;
};

/* --delay-ms: suspended connections waiting for their time, oldest first (a growable ring). */
struct delayed { struct MHD_Connection *connection; struct timespec due; };
static struct {
    pthread_mutex_t lock;
    pthread_cond_t added;
    struct delayed *items;
    size_t capacity, head, count;
} delays = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0, 0 };

static void delay_connection(struct MHD_Connection *connection, unsigned int delay_ms)
{
    struct timespec due;
    clock_gettime(CLOCK_MONOTONIC, &due);
    due.tv_sec += delay_ms / 1000;
    due.tv_nsec += (long)(delay_ms % 1000) * 1000000L;
    if (due.tv_nsec >= 1000000000L) { due.tv_sec++; due.tv_nsec -= 1000000000L; }
    MHD_suspend_connection(connection);
    pthread_mutex_lock(&delays.lock);
    if (delays.count == delays.capacity) {
        size_t capacity = delays.capacity ? delays.capacity * 2 : 1024;
        struct delayed *items = malloc(capacity * sizeof *items);
        for (size_t i = 0; i < delays.count; i++) items[i] = delays.items[(delays.head + i) % delays.capacity];
        free(delays.items);
        delays.items = items;
        delays.capacity = capacity;
        delays.head = 0;
    }
    delays.items[(delays.head + delays.count) % delays.capacity] = (struct delayed){ connection, due };
    delays.count++;
    pthread_cond_signal(&delays.added);
    pthread_mutex_unlock(&delays.lock);
}

static void *resume_delayed(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&delays.lock);
    for (;;) {
        while (delays.count == 0) pthread_cond_wait(&delays.added, &delays.lock);
        struct delayed next = delays.items[delays.head];
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > next.due.tv_sec || (now.tv_sec == next.due.tv_sec && now.tv_nsec >= next.due.tv_nsec)) {
            delays.head = (delays.head + 1) % delays.capacity;
            delays.count--;
            pthread_mutex_unlock(&delays.lock);
            MHD_resume_connection(next.connection);
            pthread_mutex_lock(&delays.lock);
            continue;
        }
        pthread_mutex_unlock(&delays.lock);
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next.due, NULL);
        pthread_mutex_lock(&delays.lock);
    }
    return NULL;
}

static const char health_body[] = "{\n  \"status\": \"ok\"\n}\n";

static char *read_file(const char *name, size_t *size)
{
    FILE *file = fopen(name, "rb");
    if (file == NULL) { fprintf(stderr, "mhd_baseline: cannot open %s: %s\n", name, strerror(errno)); exit(2); }
    size_t capacity = 1 << 16, used = 0;
    char *data = malloc(capacity);
    for (;;) {
        if (used == capacity) { capacity *= 2; data = realloc(data, capacity); }
        size_t n = fread(data + used, 1, capacity - used, file);
        if (n == 0) break;
        used += n;
    }
    fclose(file);
    *size = used;
    return data;
}

static void load_headers(struct config *config, const char *name)
{
    size_t size;
    char *text = read_file(name, &size);
    text = realloc(text, size + 1);
    text[size] = '\0';
    char *save = NULL;
    for (char *line = strtok_r(text, "\r\n", &save); line != NULL; line = strtok_r(NULL, "\r\n", &save)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "HTTP/", 5) == 0 || colon == NULL) continue;
        *colon = '\0';
        char *value = colon + 1;
        while (*value == ' ') value++;
        if (strcasecmp(line, "content-length") == 0 || strcasecmp(line, "date") == 0
            || strcasecmp(line, "connection") == 0 || strcasecmp(line, "transfer-encoding") == 0) continue;
        if (config->header_count == MAX_HEADERS) break;
        config->headers[config->header_count].name = line;
        config->headers[config->header_count].value = value;
        config->header_count++;
    }
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    const struct config *config = cls;
    (void)version; (void)upload_data;
    if (*req_cls == NULL) {              /* first call: headers only */
        *req_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {         /* a body chunk: consume it (the answer ignores it) */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (config->delay_ms > 0 && *req_cls == (void *)1) {   /* body read: wait, then answer when resumed */
        *req_cls = (void *)2;
        delay_connection(connection, config->delay_ms);
        return MHD_YES;
    }
    struct MHD_Response *response;
    unsigned int status;
    if (strcmp(method, "POST") == 0 && strcmp(url, config->path) == 0) {
        response = MHD_create_response_from_buffer(config->body_size, config->body,
                                                   config->copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
        if (response == NULL) return MHD_NO;
        for (size_t i = 0; i < config->header_count; i++)
            MHD_add_response_header(response, config->headers[i].name, config->headers[i].value);
        status = config->status;
    } else if (strcmp(method, "GET") == 0 && strcmp(url, "/__admin/health") == 0) {
        response = MHD_create_response_from_buffer(sizeof health_body - 1, (void *)health_body, MHD_RESPMEM_PERSISTENT);
        if (response == NULL) return MHD_NO;
        MHD_add_response_header(response, "content-type", "application/json");
        status = MHD_HTTP_OK;
    } else {
        response = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (response == NULL) return MHD_NO;
        status = MHD_HTTP_NOT_FOUND;
    }
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

static void completed(void *cls, struct MHD_Connection *connection, void **req_cls,
                      enum MHD_RequestTerminationCode code)
{
    (void)cls; (void)connection; (void)code;
    *req_cls = NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: mhd_baseline [--host 127.0.0.1] [--port 0] [--threads 2] [--path P] [--status N] "
                    "[--body FILE] [--headers FILE] [--copy] [--memory-limit BYTES] [--connection-limit N] "
                    "[--delay-ms N] [--receive-buffer BYTES]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static struct config config = { .path = "/v1/images/generations", .status = 200 };
    const char *host = "127.0.0.1";
    unsigned int port = 0, threads = 2, connection_limit = 16384;
    size_t memory_limit = 64 * 1024;    /* ServerConfiguration.connectionMemoryLimit */
    int receive_buffer = 4 * 1024 * 1024;   /* ServerConfiguration.receiveBufferBytes */
    config.body = strdup("{}\n");
    config.body_size = 3;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--copy") == 0) { config.copy = 1; continue; }
        if (strcmp(arg, "--version") == 0) { printf("mhd_baseline (libmicrohttpd %s)\n", MHD_get_version()); return 0; }
        if (i + 1 >= argc) usage();
        const char *value = argv[++i];
        if (strcmp(arg, "--host") == 0) host = value;
        else if (strcmp(arg, "--port") == 0) port = (unsigned int)strtoul(value, NULL, 10);
        else if (strcmp(arg, "--threads") == 0) threads = (unsigned int)strtoul(value, NULL, 10);
        else if (strcmp(arg, "--memory-limit") == 0) memory_limit = (size_t)strtoul(value, NULL, 10);
        else if (strcmp(arg, "--connection-limit") == 0) connection_limit = (unsigned int)strtoul(value, NULL, 10);
        else if (strcmp(arg, "--delay-ms") == 0) config.delay_ms = (unsigned int)strtoul(value, NULL, 10);
        else if (strcmp(arg, "--receive-buffer") == 0) receive_buffer = atoi(value);
        else if (strcmp(arg, "--path") == 0) config.path = value;
        else if (strcmp(arg, "--status") == 0) config.status = (unsigned int)strtoul(value, NULL, 10);
        else if (strcmp(arg, "--body") == 0) { free(config.body); config.body = read_file(value, &config.body_size); }
        else if (strcmp(arg, "--headers") == 0) load_headers(&config, value);
        else usage();
    }
    if (port > 65535 || threads == 0 || memory_limit < 4096) usage();

    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) { fprintf(stderr, "mhd_baseline: host must be numeric IPv4\n"); return 2; }

    /* Signals are blocked before the daemon's threads exist, then awaited in this thread. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);

    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, answer, &config,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)4096,
        MHD_OPTION_UNESCAPE_CALLBACK, images_mock_unescape, NULL,
        MHD_OPTION_END);
    if (daemon == NULL) { fprintf(stderr, "mhd_baseline: could not start on %s:%u\n", host, port); return 1; }
    images_mock_widen_receive_buffer(daemon, receive_buffer);
    if (config.delay_ms > 0) {           /* signals stay blocked in it (inherited mask) */
        pthread_t timer;
        pthread_create(&timer, NULL, resume_delayed, NULL);
        pthread_detach(timer);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    printf("mhd-baseline listening on http://%s:%u\n", host, info == NULL ? port : info->port);
    fflush(stdout);

    int received = 0;
    sigwait(&signals, &received);
    MHD_stop_daemon(daemon);
    return 0;
}
