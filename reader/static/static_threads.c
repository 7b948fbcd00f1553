/*
 * static_threads.c - linked into the static reader only (make static-reader), never into
 * the normal build (reader/static/ is outside the reader's wildcard).
 *
 * In a static link, glibc's pthread_create.o drags in the per-thread resolver state
 * (res_libc.o) and with it res_init, res_hconf, if_index and netlink: socket, bind,
 * sendto, inet_pton and the name of /etc/resolv.conf end up in a program that never
 * touches a network. The reader's threads are only a speed-up (the second hashing
 * thread in bundle_verify.c, the batch workers in bundle_batch.c) and both run the work
 * on the calling thread when pthread_create fails; on a USB stick or a DVD the medium,
 * not the CPU, sets the pace. So this definition, met by the linker before libc.a,
 * refuses every thread and keeps glibc's networking code out of the binary.
 *
 * Any new pthread_create caller in formats/ or reader/ must keep such a fallback:
 * tests/e2e/t_static_reader.sh verifies, lists and shows with this binary.
 */
#include <errno.h>
#include <pthread.h>

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                   void *arg)
{
    (void)thread;
    (void)attr;
    (void)start;
    (void)arg;
    return EAGAIN;
}
