#ifndef EXTRACT_CCURL_H
#define EXTRACT_CCURL_H
/*
 * libcurl for Columnar's S3 backend, loaded at run time (dlopen of libcurl.so.4) the first time
 * a bucket URL is used, so that the binary — and `./run package`'s portable one — starts and
 * works on local paths on a machine without libcurl. The types and option numbers come from
 * <curl/curl.h> (Debian's libcurl4-openssl-dev, needed at build time only); every call goes
 * through a function pointer resolved by extract_curl_load. curl_easy_setopt/getinfo are
 * variadic, which Swift cannot call: one typed wrapper per argument kind instead.
 */
#include <stddef.h>
#include <curl/curl.h>

/* Loads libcurl once (thread-safe) and runs curl_global_init. Returns 0 when ready; otherwise
   writes why (library not found, a symbol missing, a version older than 7.75 without
   CURLOPT_AWS_SIGV4) into `error` and returns -1, on every call. */
int extract_curl_load(char *error, size_t capacity);

/* The loaded libcurl's version text ("7.88.1"); NULL before a successful load. */
const char *extract_curl_version(void);

CURL *extract_curl_easy_init(void);
void extract_curl_easy_cleanup(CURL *handle);
void extract_curl_easy_reset(CURL *handle);
CURLcode extract_curl_easy_perform(CURL *handle);
const char *extract_curl_easy_strerror(CURLcode code);

CURLcode extract_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode extract_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode extract_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value);

typedef size_t (*extract_curl_data_callback)(char *data, size_t size, size_t count, void *context);
/* CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION or CURLOPT_READFUNCTION. */
CURLcode extract_curl_setopt_callback(CURL *handle, CURLoption option, extract_curl_data_callback callback);

CURLcode extract_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

struct curl_slist *extract_curl_slist_append(struct curl_slist *list, const char *text);
void extract_curl_slist_free_all(struct curl_slist *list);

#endif
