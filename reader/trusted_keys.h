/* trusted_keys.h - public keys compiled into satchel-read (make READER_KEYS=...). */
#ifndef READER_TRUSTED_KEYS_H
#define READER_TRUSTED_KEYS_H

/* NULL-terminated list of base64 minisign public key lines. */
extern const char *const sat_builtin_keys[];

#endif
