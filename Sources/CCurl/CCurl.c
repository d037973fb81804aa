/* libcurl loaded at run time: see include/CCurl.h. The only place that calls libcurl. */
#include "CCurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct {
    CURLcode (*global_init)(long);
    curl_version_info_data *(*version_info)(CURLversion);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];
static int loaded;
static const char *version_text;

static void load(void) {
    const char *names[] = {"libcurl.so.4", "libcurl.so", NULL};
    void *lib = NULL;
    for (int i = 0; names[i] && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(load_error, sizeof load_error,
                 "libcurl is needed for bucket URLs and was not found (%s); install libcurl4 (Debian: apt-get install libcurl4)",
                 dlerror());
        return;
    }
#define RESOLVE(field, symbol)                                                                     \
    do {                                                                                           \
        *(void **)(&api.field) = dlsym(lib, symbol);                                              \
        if (!api.field) {                                                                          \
            snprintf(load_error, sizeof load_error, "libcurl.so.4 has no %s", symbol);            \
            return;                                                                                \
        }                                                                                          \
    } while (0)
    RESOLVE(global_init, "curl_global_init");
    RESOLVE(version_info, "curl_version_info");
    RESOLVE(easy_init, "curl_easy_init");
    RESOLVE(easy_cleanup, "curl_easy_cleanup");
    RESOLVE(easy_reset, "curl_easy_reset");
    RESOLVE(easy_perform, "curl_easy_perform");
    RESOLVE(easy_strerror, "curl_easy_strerror");
    RESOLVE(easy_setopt, "curl_easy_setopt");
    RESOLVE(easy_getinfo, "curl_easy_getinfo");
    RESOLVE(slist_append, "curl_slist_append");
    RESOLVE(slist_free_all, "curl_slist_free_all");
#undef RESOLVE
    curl_version_info_data *info = api.version_info(CURLVERSION_NOW);
    /* CURLOPT_AWS_SIGV4 appeared in 7.75.0. */
    if (!info || info->version_num < 0x074B00) {
        snprintf(load_error, sizeof load_error, "libcurl %s is too old: bucket URLs need 7.75 or later (AWS SigV4)",
                 info && info->version ? info->version : "?");
        return;
    }
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "libcurl failed to initialise");
        return;
    }
    version_text = info->version;
    loaded = 1;
}

int extract_curl_load(char *error, size_t capacity) {
    pthread_once(&once, load);
    if (loaded) return 0;
    if (error && capacity) snprintf(error, capacity, "%s", load_error);
    return -1;
}

const char *extract_curl_version(void) { return loaded ? version_text : NULL; }

CURL *extract_curl_easy_init(void) { return api.easy_init(); }
void extract_curl_easy_cleanup(CURL *handle) { api.easy_cleanup(handle); }
void extract_curl_easy_reset(CURL *handle) { api.easy_reset(handle); }
CURLcode extract_curl_easy_perform(CURL *handle) { return api.easy_perform(handle); }
const char *extract_curl_easy_strerror(CURLcode code) { return api.easy_strerror(code); }

CURLcode extract_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return api.easy_setopt(handle, option, value);
}
CURLcode extract_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return api.easy_setopt(handle, option, value);
}
CURLcode extract_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return api.easy_setopt(handle, option, value);
}
CURLcode extract_curl_setopt_callback(CURL *handle, CURLoption option, extract_curl_data_callback callback) {
    return api.easy_setopt(handle, option, callback);
}
CURLcode extract_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return api.easy_getinfo(handle, info, value);
}

struct curl_slist *extract_curl_slist_append(struct curl_slist *list, const char *text) {
    return api.slist_append(list, text);
}
void extract_curl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }
