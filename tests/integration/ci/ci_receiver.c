/* ci_receiver: the HTTP receiver of the CI integration tests (callbacks in, one file out), one
 * connection at a time with Connection: close. */
#include "ci_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void serve(ci_receiver_t *r, int c)
{
    char *buf = malloc(1 << 20);
    size_t n = 0;
    char *eoh = NULL;
    struct pollfd pf = {c, POLLIN, 0};
    while (!eoh && n < (1 << 20) - 1 && poll(&pf, 1, 5000) > 0) {
        ssize_t got = recv(c, buf + n, (1 << 20) - 1 - n, 0);
        if (got <= 0)
            break;
        n += (size_t)got;
        buf[n] = 0;
        eoh = strstr(buf, "\r\n\r\n");
    }
    if (!eoh) {
        free(buf);
        return;
    }
    size_t hl = (size_t)(eoh - buf) + 4;
    const char *cl = strcasestr(buf, "\r\nContent-Length:");
    size_t want = cl && cl < eoh ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
    while (n < hl + want && n < (1 << 20) - 1 && poll(&pf, 1, 5000) > 0) {
        ssize_t got = recv(c, buf + n, (1 << 20) - 1 - n, 0);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    buf[n] = 0;
    char method[8] = "", path[256] = "";
    sscanf(buf, "%7s %255s", method, path);
    if (!strcmp(method, "GET")) {
        char head[256];
        if (r->file && !strcmp(path, "/file")) {
            snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     r->file_len);
            send_all(c, head, strlen(head));
            send_all(c, r->file, r->file_len);
        } else if (r->small && !strcmp(path, "/small")) {
            snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     r->small_len);
            send_all(c, head, strlen(head));
            send_all(c, r->small, r->small_len);
        } else if (!strcmp(path, "/slow")) {
            const char *a = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n"
                            "RIFF";
            send_all(c, a, strlen(a));
            sleep(3);
        } else if (!strcmp(path, "/redirect")) {
            const char *a = "HTTP/1.1 302 Found\r\nLocation: /redirect\r\nContent-Length: 0\r\n"
                            "Connection: close\r\n\r\n";
            send_all(c, a, strlen(a));
        } else {
            const char *a =
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            send_all(c, a, strlen(a));
        }
        free(buf);
        return;
    }
    pthread_mutex_lock(&r->mu);
    bool fail = r->fail_next > 0;
    if (fail)
        r->fail_next--;
    if (r->n_hits < CI_RECV_MAX) {
        ci_hit_t *h = &r->hits[r->n_hits++];
        snprintf(h->method, sizeof h->method, "%s", method);
        snprintf(h->path, sizeof h->path, "%s", path);
        h->headers = strndup(buf, hl);
        h->body = strdup(buf + hl);
    }
    pthread_mutex_unlock(&r->mu);
    const char *a =
        fail
            ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send_all(c, a, strlen(a));
    free(buf);
}

static void *run(void *arg)
{
    ci_receiver_t *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        bool stop = r->stop;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            break;
        struct pollfd pf = {r->fd, POLLIN, 0};
        if (poll(&pf, 1, 100) <= 0)
            continue;
        int c = accept(r->fd, NULL, NULL);
        if (c < 0)
            continue;
        serve(r, c);
        close(c);
    }
    return NULL;
}

int ci_receiver_start(ci_receiver_t *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (r->fd < 0 || bind(r->fd, (struct sockaddr *)&a, sizeof a) || listen(r->fd, 64) ||
        getsockname(r->fd, (struct sockaddr *)&a, &al))
        return -1;
    r->port = ntohs(a.sin_port);
    return pthread_create(&r->thread, NULL, run, r) == 0 ? 0 : -1;
}

void ci_receiver_stop(ci_receiver_t *r)
{
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    close(r->fd);
    for (int i = 0; i < r->n_hits; i++) {
        free(r->hits[i].headers);
        free(r->hits[i].body);
    }
    pthread_mutex_destroy(&r->mu);
}

int ci_receiver_count(ci_receiver_t *r, const char *needle)
{
    int n = 0;
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < r->n_hits; i++)
        if (!needle || strstr(r->hits[i].body, needle))
            n++;
    pthread_mutex_unlock(&r->mu);
    return n;
}

int ci_receiver_wait(ci_receiver_t *r, const char *needle, int n, int timeout_s)
{
    int got = 0;
    for (int i = 0; i < timeout_s * 10; i++) {
        got = ci_receiver_count(r, needle);
        if (got >= n)
            break;
        usleep(100 * 1000);
    }
    return got;
}

char *ci_receiver_body(ci_receiver_t *r, const char *needle, char **headers)
{
    char *out = NULL;
    pthread_mutex_lock(&r->mu);
    for (int i = r->n_hits - 1; i >= 0 && !out; i--) {
        if (!needle || strstr(r->hits[i].body, needle)) {
            out = strdup(r->hits[i].body);
            if (headers)
                *headers = strdup(r->hits[i].headers);
        }
    }
    pthread_mutex_unlock(&r->mu);
    return out;
}
