/* Unit test of libcos TLS settings against a local TLS server (openssl s_server with a certificate
 * generated at test time): peer verification is on by default, a CA bundle set on the controller makes
 * the same server trusted, and verification can be turned off only explicitly, per controller. */
#include "../test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"

extern char **environ;

static char dir[] = "/tmp/test_sdk_tls_XXXXXX";
static char cert[600], key[600];
static pid_t server = -1;
static int port;

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof(a);
    bind(fd, (struct sockaddr *)&a, sizeof(a));
    getsockname(fd, (struct sockaddr *)&a, &l);
    close(fd);
    return ntohs(a.sin_port);
}

static int listening(int p)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)p);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    close(fd);
    return ok;
}

static int setup(void **state)
{
    cos_log_set_level(COS_LOG_OFF);
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
             "-addext subjectAltName=DNS:localhost,DNS:examplebucket-1250000000.localhost -keyout %s -out %s >/dev/null 2>&1",
             key, cert);
    if (system(cmd) != 0) {
        return -1;
    }
    port = free_port();
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    char *argv[] = {"openssl", "s_server", "-quiet", "-accept", portstr, "-cert", cert, "-key", key, "-www", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&server, "openssl", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        return -1;
    }
    for (int i = 0; i < 100 && !listening(port); i++) {
        usleep(50000);
    }
    return listening(port) ? 0 : -1;
}

static int teardown(void **state)
{
    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
    }
    unlink(cert);
    unlink(key);
    rmdir(dir);
    return 0;
}

static cos_status_t *head(cos_pool_t *p, void (*tweak)(cos_http_controller_t *ctl))
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    char *ep = cos_psprintf(p, "https://localhost:%d", port);
    cos_str_set(&o->config->endpoint, ep);
    cos_str_set(&o->config->access_key_id, "AKIDtest");
    cos_str_set(&o->config->access_key_secret, "secret");
    o->config->retry_times = 0;
    o->ctl = cos_http_controller_create(o->pool, 0);
    if (tweak != NULL) {
        tweak(o->ctl);
    }
    cos_string_t bucket, object;
    cos_str_set(&bucket, "examplebucket-1250000000");
    cos_str_set(&object, "k");
    cos_list_t out;
    cos_list_init(&out);
    return cos_get_object_to_buffer(o, &bucket, &object, NULL, NULL, &out, NULL);
}

static void trust_test_ca(cos_http_controller_t *ctl)
{
    cos_set_ca_path(ctl, cert);
}

static void no_verify(cos_http_controller_t *ctl)
{
    cos_set_ssl_verify(ctl, 0);
}

static void test_tls_verification(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    /* Default: the self-signed certificate is refused. */
    cos_status_t *s = head(p, NULL);
    assert_int_equal(s->code, COSE_FAILED_VERIFICATION);
    assert_string_equal(s->error_code, "HttpIoError");
    assert_non_null(strstr(s->error_msg, "TLS verification"));
    /* Trusting its certificate through the controller: the exchange happens (s_server answers 200). */
    s = head(p, trust_test_ca);
    assert_true(s->code > 0);
    /* Turning verification off is explicit and limited to that controller. */
    s = head(p, no_verify);
    assert_true(s->code > 0);
    s = head(p, NULL);
    assert_int_equal(s->code, COSE_FAILED_VERIFICATION);
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_tls_verification)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
