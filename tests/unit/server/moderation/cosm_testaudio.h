/* cosm_testaudio: helpers of the moderation tests and benchmarks that make audio at run time
 * (Festival text2wave, espeak-ng, sox, the ffmpeg command) in a temporary directory. */
#ifndef COSM_TESTAUDIO_H
#define COSM_TESTAUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Creates a fresh temporary directory; returns its path (free()) or NULL. */
char *ta_tempdir(void);
/* Removes the directory and everything in it. */
void ta_rmtree(const char *dir);
/* Runs a shell command (printf format); returns its exit status (-1 when it could not run). */
int ta_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Speaks text into a WAV file with a voice: "slt" (Festival cmu_us_slt_arctic_hts), "kal"
 * (Festival kal_diphone) or "espeak" (espeak-ng). Returns true on success. */
bool ta_say(const char *dir, const char *voice, const char *text, const char *out_wav);
/* Converts with the ffmpeg command: ffmpeg -i in ARGS out. */
bool ta_ffmpeg(const char *in, const char *args, const char *out);
/* Length of a media file in ms according to soxi (WAV/FLAC/OGG), -1 on error. */
long ta_duration_ms(const char *path);
/* Writes 16-bit PCM as a 16 kHz mono WAV file. */
bool ta_write_wav(const char *path, const int16_t *pcm, size_t n);

#endif
