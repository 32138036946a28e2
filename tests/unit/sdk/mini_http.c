/* mini_http.c: the scripted loopback HTTP server of the libcos tests (see mini_http.h): one thread,
 * keep-alive connections served in turn, Content-Length request bodies. */
#include "mini_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

const char *mini_req_header(const mini_req_t *r, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    const char *line = r->head;
    while (line != NULL && *line != '\0') {
        const char *eol = strstr(line, "\r\n");
        size_t len = eol != NULL ? (size_t)(eol - line) : strlen(line);
        if (len > nl && line[nl] == ':' && strncasecmp(line, name, nl) == 0) {
            const char *v = line + nl + 1;
            while (*v == ' ') {
                v++;
            }
            size_t vl = (size_t)(line + len - v);
            if (vl >= outlen) {
                vl = outlen - 1;
            }
            memcpy(out, v, vl);
            out[vl] = '\0';
            return out;
        }
        line = eol != NULL ? eol + 2 : NULL;
    }
    return NULL;
}

static int read_request(int fd, mini_req_t *r)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    char *end = NULL;
    while (end == NULL) {
        if (len + 1 >= cap) {
            free(buf);
            return -1;
        }
        ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
        if (n <= 0) {
            free(buf);
            return -1;
        }
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head_len = (size_t)(end - buf) + 4;
    memset(r, 0, sizeof(*r));
    sscanf(buf, "%15s %4095s", r->method, r->target);
    const char *first_eol = strstr(buf, "\r\n");
    r->head = strndup(first_eol + 2, head_len - (size_t)(first_eol + 2 - buf));
    char tmp[64];
    size_t clen = 0;
    if (mini_req_header(r, "Content-Length", tmp, sizeof(tmp)) != NULL) {
        clen = strtoul(tmp, NULL, 10);
    }
    r->body = malloc(clen + 1);
    size_t have = len - head_len;
    if (have > clen) {
        have = clen;
    }
    memcpy(r->body, buf + head_len, have);
    free(buf);
    while (have < clen) {
        ssize_t n = recv(fd, r->body + have, clen - have, 0);
        if (n <= 0) {
            return -1;
        }
        have += (size_t)n;
    }
    r->body[clen] = '\0';
    r->body_len = clen;
    return 0;
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

/* Sends r to 127.0.0.1:port with "Connection: close" and relays the raw answer to fd. */
static void forward(int fd, const mini_req_t *r, int port)
{
    int up = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (up < 0 || connect(up, (struct sockaddr *)&a, sizeof(a)) != 0) {
        const char *bad = "HTTP/1.1 502 X\r\nContent-Length: 0\r\n\r\n";
        send_all(fd, bad, strlen(bad));
        if (up >= 0) {
            close(up);
        }
        return;
    }
    char line[4200];
    int n = snprintf(line, sizeof(line), "%s %s HTTP/1.1\r\n", r->method, r->target);
    send_all(up, line, (size_t)n);
    size_t hl = strlen(r->head);
    send_all(up, r->head, hl - 2); /* without the blank line */
    send_all(up, "Connection: close\r\n\r\n", 21);
    send_all(up, r->body, r->body_len);
    char buf[65536];
    ssize_t k;
    while ((k = recv(up, buf, sizeof(buf), 0)) > 0) {
        send_all(fd, buf, (size_t)k);
    }
    close(up);
}

static void serve_connection(mini_http_t *m, int fd)
{
    for (;;) {
        mini_req_t r;
        if (read_request(fd, &r) != 0) {
            return;
        }
        pthread_mutex_lock(&m->lock);
        mini_reply_t rep = {200, NULL, NULL};
        if (m->nreplies > 0) {
            int i = m->next < m->nreplies ? m->next : m->nreplies - 1;
            rep = m->replies[i];
            m->next++;
        }
        if (m->nreqs < MINI_MAX) {
            m->reqs[m->nreqs++] = r;
        } else {
            free(r.head);
            free(r.body);
        }
        int upstream = m->upstream_port;
        pthread_mutex_unlock(&m->lock);
        if (rep.status == 0) {
            mini_req_t *rec = NULL;
            pthread_mutex_lock(&m->lock);
            rec = m->nreqs > 0 ? &m->reqs[m->nreqs - 1] : NULL;
            pthread_mutex_unlock(&m->lock);
            if (rec != NULL) {
                forward(fd, rec, upstream);
            }
            return; /* the relayed answer said Connection: close */
        }
        size_t blen = rep.body != NULL ? strlen(rep.body) : 0;
        char head[4096];
        int hn = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s\r\n", rep.status, blen,
                          rep.headers != NULL ? rep.headers : "");
        send_all(fd, head, (size_t)hn);
        if (strcmp(r.method, "HEAD") != 0 && blen > 0) {
            send_all(fd, rep.body, blen);
        }
    }
}

static void *server_main(void *arg)
{
    mini_http_t *m = arg;
    while (!m->stop) {
        struct pollfd pf = {m->listen_fd, POLLIN, 0};
        if (poll(&pf, 1, 50) <= 0) {
            continue;
        }
        int fd = accept(m->listen_fd, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        pthread_mutex_lock(&m->lock);
        m->connections++;
        pthread_mutex_unlock(&m->lock);
        struct timeval tv = {2, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        serve_connection(m, fd);
        close(fd);
    }
    return NULL;
}

int mini_http_start(mini_http_t *m)
{
    memset(m, 0, sizeof(*m));
    pthread_mutex_init(&m->lock, NULL);
    m->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof(a);
    if (m->listen_fd < 0 || bind(m->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(m->listen_fd, 16) != 0 || getsockname(m->listen_fd, (struct sockaddr *)&a, &al) != 0) {
        return -1;
    }
    m->port = ntohs(a.sin_port);
    return pthread_create(&m->thread, NULL, server_main, m) == 0 ? 0 : -1;
}

static void clear_reqs(mini_http_t *m)
{
    for (int i = 0; i < m->nreqs; i++) {
        free(m->reqs[i].head);
        free(m->reqs[i].body);
    }
    m->nreqs = 0;
}

void mini_http_script(mini_http_t *m, const mini_reply_t *replies, int n)
{
    pthread_mutex_lock(&m->lock);
    clear_reqs(m);
    m->nreplies = n < MINI_MAX ? n : MINI_MAX;
    for (int i = 0; i < m->nreplies; i++) {
        m->replies[i] = replies[i];
    }
    m->next = 0;
    m->connections = 0;
    pthread_mutex_unlock(&m->lock);
}

void mini_http_stop(mini_http_t *m)
{
    m->stop = true;
    pthread_join(m->thread, NULL);
    close(m->listen_fd);
    clear_reqs(m);
    pthread_mutex_destroy(&m->lock);
}
