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
 * thread pool + epoll + suspend/resume + ITC, 2 threads, connection limit 16384, 256 KiB connection
 * memory limit, 60 s timeout, backlog 1024. The response is created per request from the loaded
 * bytes without copying them (MHD_RESPMEM_PERSISTENT): the cheapest answer MHD can give, i.e. the
 * ceiling a server on this library can reach. `--copy` makes MHD copy the body per request instead
 * (MHD_RESPMEM_MUST_COPY, as the mock does), and `--memory-limit` changes the connection memory
 * limit (default 256 KiB, the mock's), both for analysis only.
 *
 * Usage: mhd_baseline [--host 127.0.0.1] [--port 0] [--threads 2] [--path P] [--status N]
 *                     [--body FILE] [--headers FILE] [--copy] [--memory-limit BYTES]
 *        mhd_baseline --version     (prints and exits: the process-start cost alone, for hyperfine)
 * When ready it prints `mhd-baseline listening on http://HOST:PORT` (flushed); SIGTERM/SIGINT stop it.
 *
 * --headers FILE: a header block as `curl -D` writes it (the status line and Content-Length,
 * Date, Connection and Transfer-Encoding are skipped; MHD sets those itself).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <microhttpd.h>

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
};

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
                    "[--body FILE] [--headers FILE] [--copy] [--memory-limit BYTES]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static struct config config = { .path = "/v1/images/generations", .status = 200 };
    const char *host = "127.0.0.1";
    unsigned int port = 0, threads = 2;
    size_t memory_limit = 256 * 1024;
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
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16384,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
        MHD_OPTION_END);
    if (daemon == NULL) { fprintf(stderr, "mhd_baseline: could not start on %s:%u\n", host, port); return 1; }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    printf("mhd-baseline listening on http://%s:%u\n", host, info == NULL ? port : info->port);
    fflush(stdout);

    int received = 0;
    sigwait(&signals, &received);
    MHD_stop_daemon(daemon);
    return 0;
}
