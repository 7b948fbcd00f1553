/* reader_keys.c - collecting the trusted keys for one run of satchel-read. */
#include "reader_keys.h"

#include <string.h>

#include "trusted_keys.h"

int rk_add_builtin(rk_set *s, sat_err *err)
{
    size_t i;

    for (i = 0; sat_builtin_keys[i] != NULL; i++) {
        if (s->n >= SAT_KEYRING_MAX)
            return sat_err_set(err, SAT_E_LIMIT, "more than %d trusted keys", SAT_KEYRING_MAX);
        if (sat_pubkey_parse(&s->keys[s->n], sat_builtin_keys[i], strlen(sat_builtin_keys[i]),
                             err) != 0)
            return sat_err_prefix(err, "compiled-in key %zu", i + 1);
        s->n++;
    }
    return 0;
}

int rk_add_file(rk_set *s, const char *path, sat_err *err)
{
    if (s->n >= SAT_KEYRING_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "more than %d trusted keys", SAT_KEYRING_MAX);
    if (sat_pubkey_load(&s->keys[s->n], path, err) != 0)
        return err ? err->code : SAT_E_FORMAT;
    s->n++;
    return 0;
}

int rk_add_keyring(rk_set *s, const char *path, sat_err *err)
{
    return sat_keyring_load(s->keys, SAT_KEYRING_MAX, &s->n, path, err);
}
