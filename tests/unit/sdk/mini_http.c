/* mini_http.c: the scripted loopback HTTP server of the libcos tests (see mini_http.h): one thread,
 * keep-alive connections served in turn, Content-Length request bodies, relaying to an upstream server,
 * and faulty answers (resets, truncated, trickled or stalled bodies, wrong lengths, garbage status). */
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

/* Reads one request; at most max_body bytes of its body when its method is only_method (or that is
 * NULL). */
static int read_request(int fd, mini_req_t *r, size_t max_body, const char *only_method)
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
    size_t want = clen;
    if (max_body < clen && (only_method == NULL || strcmp(r->method, only_method) == 0)) {
        want = max_body;
    }
    size_t have = len - head_len;
    if (have > want) {
        have = want;
    }
    memcpy(r->body, buf + head_len, have);
    free(buf);
    while (have < want) {
        ssize_t n = recv(fd, r->body + have, want - have, 0);
        if (n <= 0) {
            free(r->head);
            free(r->body);
            return -1;
        }
        have += (size_t)n;
    }
    r->body[have] = '\0';
    r->body_len = have;
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

/* Connects to the upstream server and sends r with "Connection: close"; returns the socket or -1. */
static int upstream_send(const mini_req_t *r, int port)
{
    int up = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (up < 0 || connect(up, (struct sockaddr *)&a, sizeof(a)) != 0) {
        if (up >= 0) {
            close(up);
        }
        return -1;
    }
    char line[4200];
    int n = snprintf(line, sizeof(line), "%s %s HTTP/1.1\r\n", r->method, r->target);
    send_all(up, line, (size_t)n);
    size_t hl = strlen(r->head);
    send_all(up, r->head, hl - 2); /* without the blank line */
    send_all(up, "Connection: close\r\n\r\n", 21);
    send_all(up, r->body, r->body_len);
    return up;
}

static const char bad_gateway[] = "HTTP/1.1 502 X\r\nContent-Length: 0\r\n\r\n";

/* Relays the upstream answer to r straight to fd. */
static void forward(int fd, const mini_req_t *r, int port)
{
    int up = upstream_send(r, port);
    if (up < 0) {
        send_all(fd, bad_gateway, strlen(bad_gateway));
        return;
    }
    char buf[65536];
    ssize_t k;
    while ((k = recv(up, buf, sizeof(buf), 0)) > 0) {
        send_all(fd, buf, (size_t)k);
    }
    close(up);
}

/* Reads the whole upstream answer to r into a malloc'd buffer (NUL-terminated); NULL on failure. */
static char *forward_collect(const mini_req_t *r, int port, size_t *len)
{
    int up = upstream_send(r, port);
    if (up < 0) {
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t k;
    while (buf != NULL && (k = recv(up, buf + n, cap - n, 0)) > 0) {
        n += (size_t)k;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    close(up);
    if (buf != NULL) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

/* Waits up to ms for the client to close the connection (or a release, or the server to stop); true if
 * the client left. */
static bool client_left(mini_http_t *m, int fd, int ms)
{
    while (ms > 0 && !m->stop && !atomic_exchange(&m->release, false)) {
        int step = ms < 50 ? ms : 50;
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, step) > 0) {
            char c;
            ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                return true;
            }
        }
        ms -= step;
    }
    return false;
}

/* The same without reading: only a connection closed with nothing left in the way shows. */
static bool client_hung_up(mini_http_t *m, int fd, int ms)
{
    while (ms > 0 && !m->stop && !atomic_exchange(&m->release, false)) {
        int step = ms < 50 ? ms : 50;
        struct pollfd pf = {fd, POLLRDHUP, 0};
        if (poll(&pf, 1, step) > 0 && (pf.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
            return true;
        }
        ms -= step;
    }
    return false;
}

enum { AFTER_KEEP, AFTER_CLOSE, AFTER_RESET };

static void count(mini_http_t *m, int *counter)
{
    pthread_mutex_lock(&m->lock);
    (*counter)++;
    pthread_mutex_unlock(&m->lock);
}

/* Sends one answer (head = status line and headers with the blank line) as rep's fault says; returns what
 * to do with the connection afterwards. */
static int send_reply(mini_http_t *m, int fd, const mini_step_t *rep, const char *head, size_t head_len,
                      const char *body, size_t blen)
{
    size_t part = (rep->fault_bytes > 0 && (size_t)rep->fault_bytes < blen) ? (size_t)rep->fault_bytes : blen / 2;
    int wait_ms = rep->fault_ms > 0 ? rep->fault_ms : 60000;
    switch (rep->fault) {
    case MINI_RESET_BEFORE_REPLY:
    case MINI_RESET_MID_REQUEST:
        return AFTER_RESET;
    case MINI_CLOSE_BEFORE_REPLY:
        return AFTER_CLOSE;
    case MINI_STALL_READING:
        count(m, client_hung_up(m, fd, wait_ms) ? &m->client_gone : &m->faults_done);
        return AFTER_RESET;
    case MINI_CLOSE_AFTER_REPLY:
        send_all(fd, head, head_len);
        send_all(fd, body, blen);
        return AFTER_CLOSE;
    case MINI_RESET_MID_HEADERS:
        send_all(fd, head, head_len / 2);
        return AFTER_RESET;
    case MINI_RESET_MID_BODY:
    case MINI_TRUNCATED_BODY:
        send_all(fd, head, head_len);
        send_all(fd, body, part);
        return rep->fault == MINI_RESET_MID_BODY ? AFTER_RESET : AFTER_CLOSE;
    case MINI_TRICKLE_BODY: {
        size_t chunk = rep->fault_bytes > 0 ? (size_t)rep->fault_bytes : 1;
        send_all(fd, head, head_len);
        for (size_t off = 0; off < blen; off += chunk) {
            if (off > 0 && client_left(m, fd, rep->fault_ms)) {
                count(m, &m->client_gone);
                return AFTER_CLOSE;
            }
            send_all(fd, body + off, blen - off < chunk ? blen - off : chunk);
        }
        count(m, &m->faults_done);
        return AFTER_KEEP;
    }
    case MINI_STALL_BODY:
    case MINI_STALL_BEFORE_REPLY:
        if (rep->fault == MINI_STALL_BODY) {
            send_all(fd, head, head_len);
            send_all(fd, body, part);
        }
        count(m, client_left(m, fd, wait_ms) ? &m->client_gone : &m->faults_done);
        return AFTER_CLOSE;
    case MINI_GARBAGE_STATUS: {
        const char *eol = strstr(head, "\r\n");
        const char *junk = "HTTP/1.1 2OO Garbage\r\n";
        send_all(fd, junk, strlen(junk));
        if (eol != NULL) {
            send_all(fd, eol + 2, head_len - (size_t)(eol + 2 - head));
        }
        send_all(fd, body, blen);
        return AFTER_CLOSE;
    }
    case MINI_WRONG_LENGTH:
        send_all(fd, head, head_len);
        send_all(fd, body, blen);
        return AFTER_CLOSE;
    case MINI_FAULT_NONE:
    default:
        send_all(fd, head, head_len);
        send_all(fd, body, blen);
        return AFTER_KEEP;
    }
}

/* Relays the upstream answer to r with rep's fault applied to it. */
static int forward_faulty(mini_http_t *m, int fd, const mini_req_t *r, const mini_step_t *rep, int port)
{
    size_t len = 0;
    char *all = forward_collect(r, port, &len);
    char *end = all != NULL ? strstr(all, "\r\n\r\n") : NULL;
    if (end == NULL) {
        free(all);
        send_all(fd, bad_gateway, strlen(bad_gateway));
        return AFTER_CLOSE;
    }
    size_t head_len = (size_t)(end + 4 - all);
    int after = send_reply(m, fd, rep, all, head_len, all + head_len, len - head_len);
    free(all);
    return after;
}

/* Answers request r with step rep, scripted or relayed; returns what to do with the connection. */
static int answer(mini_http_t *m, int fd, const mini_req_t *r, const mini_step_t *rep, int upstream,
                  bool close_each)
{
    if (rep->fault == MINI_RESET_MID_REQUEST || rep->fault == MINI_STALL_READING) {
        return send_reply(m, fd, rep, NULL, 0, NULL, 0); /* an unfinished request is not relayed */
    }
    if (rep->reply.status == 0) {
        if (rep->fault == MINI_FAULT_NONE) {
            forward(fd, r, upstream);
            return AFTER_CLOSE; /* the relayed answer said Connection: close */
        }
        int after = forward_faulty(m, fd, r, rep, upstream);
        return after == AFTER_RESET ? AFTER_RESET : AFTER_CLOSE;
    }
    size_t blen = rep->reply.body != NULL ? strlen(rep->reply.body) : 0;
    size_t clen = rep->fault == MINI_WRONG_LENGTH ? (size_t)rep->fault_bytes : blen;
    char head[4096];
    int hn = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s%s\r\n", rep->reply.status,
                      clen, rep->reply.headers != NULL ? rep->reply.headers : "",
                      close_each ? "Connection: close\r\n" : "");
    if (hn < 0 || (size_t)hn >= sizeof(head)) {
        return AFTER_RESET;
    }
    bool is_head = strcmp(r->method, "HEAD") == 0;
    return send_reply(m, fd, rep, head, (size_t)hn, rep->reply.body, is_head ? 0 : blen);
}

/* Serves requests on one connection; returns AFTER_CLOSE or AFTER_RESET. */
static int serve_connection(mini_http_t *m, int fd)
{
    for (;;) {
        mini_req_t r;
        size_t max_body = SIZE_MAX;
        char only[16] = "";
        pthread_mutex_lock(&m->lock);
        if (m->nreplies > 0) {
            const mini_step_t *up = &m->replies[m->next < m->nreplies ? m->next : m->nreplies - 1];
            if (up->fault == MINI_RESET_MID_REQUEST || up->fault == MINI_STALL_READING) {
                max_body = up->fault_bytes > 0 ? (size_t)up->fault_bytes : 0;
                snprintf(only, sizeof(only), "%s", up->method != NULL ? up->method : "");
            }
        }
        pthread_mutex_unlock(&m->lock);
        if (read_request(fd, &r, max_body, only[0] != '\0' ? only : NULL) != 0) {
            return AFTER_CLOSE;
        }
        pthread_mutex_lock(&m->lock);
        mini_step_t rep = {.reply = {200, NULL, NULL}};
        if (m->nreplies > 0) {
            int i = m->next < m->nreplies ? m->next : m->nreplies - 1;
            if (m->replies[i].method == NULL || strcmp(m->replies[i].method, r.method) == 0) {
                rep = m->replies[i];
                m->next++;
            } else if (m->upstream_port > 0) {
                rep.reply.status = 0;
            }
        }
        /* Own copies: the caller's strings may be gone before a late send ends. */
        char *headers = rep.reply.headers != NULL ? strdup(rep.reply.headers) : NULL;
        char *body = rep.reply.body != NULL ? strdup(rep.reply.body) : NULL;
        rep.reply.headers = headers;
        rep.reply.body = body;
        mini_req_t *rec = NULL;
        if (m->nreqs < MINI_MAX) {
            m->reqs[m->nreqs++] = r;
            rec = &m->reqs[m->nreqs - 1];
        }
        int upstream = m->upstream_port;
        bool close_each = m->close_each;
        pthread_mutex_unlock(&m->lock);
        int after = answer(m, fd, rec != NULL ? rec : &r, &rep, upstream, close_each);
        free(headers);
        free(body);
        if (rec == NULL) {
            free(r.head);
            free(r.body);
        }
        if (after != AFTER_KEEP || close_each) {
            return after == AFTER_RESET ? AFTER_RESET : AFTER_CLOSE;
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
        if (serve_connection(m, fd) == AFTER_RESET) {
            struct linger l = {1, 0}; /* close with RST instead of FIN */
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        }
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

void mini_http_script_steps(mini_http_t *m, const mini_step_t *steps, int n)
{
    pthread_mutex_lock(&m->lock);
    clear_reqs(m);
    m->nreplies = n < MINI_MAX ? n : MINI_MAX;
    for (int i = 0; i < m->nreplies; i++) {
        m->replies[i] = steps[i];
    }
    m->next = 0;
    m->connections = 0;
    m->client_gone = 0;
    m->faults_done = 0;
    m->release = false;
    pthread_mutex_unlock(&m->lock);
}

void mini_http_script(mini_http_t *m, const mini_reply_t *replies, int n)
{
    mini_step_t steps[MINI_MAX];
    n = n < MINI_MAX ? n : MINI_MAX;
    for (int i = 0; i < n; i++) {
        steps[i] = (mini_step_t){.reply = replies[i]};
    }
    mini_http_script_steps(m, steps, n);
}

int mini_http_wait(mini_http_t *m, const int *counter, int n, int ms)
{
    for (;;) {
        pthread_mutex_lock(&m->lock);
        int v = *counter;
        pthread_mutex_unlock(&m->lock);
        if (v >= n || ms <= 0) {
            return v;
        }
        usleep(10000);
        ms -= 10;
    }
}

void mini_http_release(mini_http_t *m)
{
    m->release = true;
}

void mini_http_stop(mini_http_t *m)
{
    m->stop = true;
    pthread_join(m->thread, NULL);
    close(m->listen_fd);
    clear_reqs(m);
    pthread_mutex_destroy(&m->lock);
}
