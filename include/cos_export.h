/* cos_export.h: the symbol-visibility macro of libcos. The library is compiled with hidden visibility;
 * every public function is declared with COS_EXPORT so that it is the only thing the library exports. */
#ifndef LIBCOS_EXPORT_H
#define LIBCOS_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define COS_EXPORT __attribute__((visibility("default")))
#else
#define COS_EXPORT
#endif

#endif
