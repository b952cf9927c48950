#ifndef IMAGES_MOCK_CMICROHTTPD_SHIM_H
#define IMAGES_MOCK_CMICROHTTPD_SHIM_H

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* Swift does not import C variadic functions: these wrappers make the few calls we need. */

static inline int images_mock_hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes a request target (and each query key and value) in place, as libmicrohttpd's
   own unescaper does, except that "%00" stays as it was sent: decoded, it ended the C string the
   handler receives, so "/__admin/requests%00" was served as "/__admin/requests" and
   "/v1/files/images/x.png%00.jpg" looked up "x.png". Returns the new length. */
static size_t images_mock_unescape(void *context, struct MHD_Connection *connection, char *text)
{
    (void)context;
    (void)connection;
    char *read = text, *write = text;
    while (*read != '\0') {
        if (read[0] == '%' && read[1] != '\0' && read[2] != '\0') {
            int high = images_mock_hex_digit(read[1]), low = images_mock_hex_digit(read[2]);
            if (high >= 0 && low >= 0 && (high | low) != 0) {
                *write++ = (char)(high * 16 + low);
                read += 3;
                continue;
            }
        }
        *write++ = *read++;
    }
    *write = '\0';
    return (size_t)(write - text);
}

/* Starts a daemon in thread-pool mode with epoll and suspend/resume, bound to a numeric host
   ("127.0.0.1", "0.0.0.0", "::1", ...). Returns NULL when the host is not numeric or the daemon
   cannot start (port in use, ...). */
static inline struct MHD_Daemon *
images_mock_start_daemon(const char *host, uint16_t port,
                         MHD_AccessHandlerCallback handler, void *handler_context,
                         MHD_RequestCompletedCallback completed, void *completed_context,
                         unsigned int thread_pool_size, unsigned int connection_limit,
                         size_t connection_memory_limit, unsigned int connection_timeout_seconds,
                         int log_errors)
{
    struct sockaddr_in address4;
    struct sockaddr_in6 address6;
    struct sockaddr *address;
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
    if (log_errors) flags |= MHD_USE_ERROR_LOG;
    memset(&address4, 0, sizeof address4);
    memset(&address6, 0, sizeof address6);
    if (inet_pton(AF_INET, host, &address4.sin_addr) == 1) {
        address4.sin_family = AF_INET;
        address4.sin_port = htons(port);
        address = (struct sockaddr *)&address4;
    } else if (inet_pton(AF_INET6, host, &address6.sin6_addr) == 1) {
        address6.sin6_family = AF_INET6;
        address6.sin6_port = htons(port);
        address = (struct sockaddr *)&address6;
        flags |= MHD_USE_IPv6;
    } else {
        return NULL;
    }
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_context,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_context,
                            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)4096,
                            MHD_OPTION_UNESCAPE_CALLBACK, images_mock_unescape, NULL,
                            MHD_OPTION_END);
}

/* The port the daemon actually listens on (what `--port 0` picked). */
static inline uint16_t images_mock_bound_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/* Sets the receive buffer of the daemon's listening socket, which every connection it accepts
   inherits, to `bytes` -- but only when the kernel grants that much (net.core.rmem_max): capped
   lower, a fixed buffer measured slower for uploads than the kernel's own autotuning, which a fixed
   size switches off. A buffer that holds a whole upload lets the client send it in one go;
   autotuning grows the buffer of a connection that reads slowly only a little, and then the
   reader's kernel time goes to reopening the window and moving the client's data. Returns the
   size set, or 0 when the kernel's default was kept. */
static inline int images_mock_widen_receive_buffer(struct MHD_Daemon *daemon, int bytes)
{
    if (bytes <= 0) return 0;
    long allowed = 0;
    FILE *file = fopen("/proc/sys/net/core/rmem_max", "r");
    if (file == NULL) return 0;
    if (fscanf(file, "%ld", &allowed) != 1) allowed = 0;
    fclose(file);
    if (allowed < bytes) return 0;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_LISTEN_FD);
    if (info == NULL || info->listen_fd < 0) return 0;
    if (setsockopt(info->listen_fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0) return 0;
    return bytes;
}

/* Number of open connections, for drain decisions and tests. */
static inline unsigned int images_mock_current_connections(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/* glibc allocator tuning for the server's large, short-lived upload buffers (see MemoryTuning). */
static inline void images_mock_tune_malloc(int mmap_threshold, int trim_threshold)
{
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

#endif
