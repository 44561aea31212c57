/*
 * The floor the bench measures avx-http against: one thread, one level-triggered
 * epoll loop, no parsing beyond finding each request's end ("\r\n\r\n"), and one
 * fixed response (the same fields the Rust servers send: content-length, a date of
 * the same length, the 13-byte body) per request found.
 *
 * Per connection it keeps two numbers, indexed by fd: how far into "\r\n\r\n" the
 * bytes read so far have matched, and how many response bytes are owed. Requests
 * split across reads and pipelined requests are both answered; bodies are not read
 * (the bench sends none). A write that would block leaves the rest owed and waits
 * for EPOLLOUT.
 *
 * Usage: epoll_server PORT  (listens on 127.0.0.1:PORT, 0 for a free port; prints
 * "ready PORT" once bound)
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 65536
#define MAX_EVENTS 256

static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\n"
    "content-length: 13\r\n"
    "date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
    "\r\n"
    "Hello, World!";
#define RESPONSE_LEN (sizeof(RESPONSE) - 1)
/* Responses repeated back to back, so one write answers a pipelined batch. */
#define REPEAT 64
static char responses[RESPONSE_LEN * REPEAT];

static unsigned char matched[MAX_FDS]; /* bytes of "\r\n\r\n" matched so far */
static size_t owed[MAX_FDS];           /* response bytes still to write */
static unsigned char want_out[MAX_FDS]; /* registered for EPOLLOUT */

static void set_events(int ep, int fd, int out) {
    struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
    want_out[fd] = (unsigned char)out;
}

static void close_conn(int fd) {
    matched[fd] = 0;
    owed[fd] = 0;
    want_out[fd] = 0;
    close(fd); /* also removes it from the epoll set */
}

/* Writes what is owed; 0 when done or blocked, -1 when the connection failed. */
static int flush(int ep, int fd) {
    while (owed[fd] > 0) {
        /* The owed bytes are the tail of a run of whole responses. */
        size_t offset = (RESPONSE_LEN - owed[fd] % RESPONSE_LEN) % RESPONSE_LEN;
        size_t len = sizeof(responses) - offset;
        if (len > owed[fd]) len = owed[fd];
        ssize_t n = write(fd, responses + offset, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                if (!want_out[fd]) set_events(ep, fd, 1);
                return 0;
            }
            return -1;
        }
        owed[fd] -= (size_t)n;
    }
    if (want_out[fd]) set_events(ep, fd, 0);
    return 0;
}

static int on_readable(int ep, int fd) {
    char buf[16384];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n == 0) return -1;
    if (n < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
    static const char END[4] = {'\r', '\n', '\r', '\n'};
    unsigned m = matched[fd];
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == END[m]) {
            if (++m == 4) {
                owed[fd] += RESPONSE_LEN;
                m = 0;
            }
        } else {
            m = (buf[i] == '\r') ? 1 : 0;
        }
    }
    matched[fd] = (unsigned char)m;
    return flush(ep, fd);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    for (int i = 0; i < REPEAT; i++) memcpy(responses + i * RESPONSE_LEN, RESPONSE, RESPONSE_LEN);
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(listener, 4096) < 0) {
        perror("bind/listen");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    socklen_t addr_len = sizeof(addr);
    getsockname(listener, (struct sockaddr *)&addr, &addr_len);
    printf("ready %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int ready = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                for (;;) {
                    int conn = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (conn < 0) break;
                    if (conn >= MAX_FDS) {
                        close(conn);
                        continue;
                    }
                    setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = conn};
                    epoll_ctl(ep, EPOLL_CTL_ADD, conn, &cev);
                }
                continue;
            }
            int failed = 0;
            if (events[i].events & (EPOLLERR | EPOLLHUP)) failed = 1;
            if (!failed && (events[i].events & EPOLLOUT)) failed = flush(ep, fd) < 0;
            if (!failed && (events[i].events & EPOLLIN)) failed = on_readable(ep, fd) < 0;
            if (failed) close_conn(fd);
        }
    }
}
