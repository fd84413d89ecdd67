#ifndef PCS_CHIREDIS_SHIM_H
#define PCS_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>

/* Swift imports redisContext.errstr (char[128]) as a 128-element tuple; these tiny
   accessors give Swift a direct view of the context fields it needs. */

/// The context's error code (0, REDIS_ERR_IO, REDIS_ERR_EOF, REDIS_ERR_PROTOCOL, ...).
static inline int pcs_redis_err(const redisContext *c) { return c->err; }

/// The context's NUL-terminated error message (valid until the context changes or is freed).
static inline const char *pcs_redis_errstr(const redisContext *c) { return c->errstr; }

/// The context's socket, so another thread may shutdown() it to interrupt a blocked read.
static inline int pcs_redis_fd(const redisContext *c) { return c->fd; }

#endif
