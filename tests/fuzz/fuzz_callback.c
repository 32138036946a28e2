/* fuzz_callback: fuzz target for the audio moderation callback parser of libcos (Simple and Detail
 * JSON, XML), which reads bodies posted by a server the receiving program does not control. */
#include <stdint.h>

#include "ci_audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cos_pool_t *p = NULL;
    if (cos_pool_create(&p, NULL) != COSE_OK) {
        return 0;
    }
    ci_audio_auditing_callback_t cb;
    ci_audio_auditing_callback_parse(p, (const char *)data, (int64_t)size, &cb);
    cos_pool_destroy(p);
    return 0;
}
