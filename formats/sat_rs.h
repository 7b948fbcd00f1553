/*
 * sat_rs.h - a systematic Reed-Solomon erasure code over GF(2^16) (formats/SPEC.md,
 * "Recovery data (parity files)").
 *
 * A stripe holds k data sectors and m parity sectors (k + m <= SAT_RS_SYMBOLS_MAX). Each
 * sector of SAT_RS_SECTOR bytes is read as SAT_RS_SECTOR / 2 symbols, 16-bit little
 * endian. Parity row r is  P_r = sum_i C(r, i) * D_i  with the Cauchy coefficient
 * C(r, i) = 1 / (r XOR (m + i)); every square submatrix of a Cauchy matrix is invertible,
 * so any m erased sectors (data or parity) of a stripe can be rebuilt from the others.
 *
 *   sat_rs_encode(k, m, data, parity);                   // stripes in memory
 *   sat_rs_decode(k, m, sectors, erased, &err);          // rebuilds erased data sectors
 *
 * Streaming (the parity file code): a plan picks the parity rows and inverts the matrix;
 * the caller accumulates syndromes with sat_rs_mac, then sat_rs_plan_solve:
 *   sat_rs_plan_make(k, m, erased, &plan, &err);
 *   for each good data sector i, t < plan.e: sat_rs_mac(syn[t], sat_rs_coef(m, rows[t], i), D_i)
 *   syn[t] ^= P_rows[t];  sat_rs_plan_solve(&plan, syn, out);  sat_rs_plan_free(&plan);
 * The tables are built on first use (thread-safe).
 */
#ifndef SAT_RS_H
#define SAT_RS_H

#include <stddef.h>
#include <stdint.h>

#include "sat_err.h"

/* Bytes per sector and 16-bit symbols per sector. */
#define SAT_RS_SECTOR 2048u
#define SAT_RS_SYMBOLS (SAT_RS_SECTOR / 2u)
/* Most sectors (data + parity) in one stripe: distinct field elements for the Cauchy
 * matrix. */
#define SAT_RS_SYMBOLS_MAX 65536u
/* The field polynomial x^16 + x^12 + x^3 + x + 1 (primitive; generator 2). */
#define SAT_RS_POLY 0x1100Bu

/* Field product and inverse (inverse of 0 is 0: never asked for by the code). */
uint16_t sat_rs_mul(uint16_t a, uint16_t b);
uint16_t sat_rs_inv(uint16_t a);

/* The Cauchy coefficient of parity row r (< m) for data position i: 1 / (r ^ (m + i)). */
uint16_t sat_rs_coef(unsigned m, unsigned r, unsigned i);

/* acc ^= c * src, symbol by symbol over one sector. */
void sat_rs_mac(uint8_t *acc, uint16_t c, const uint8_t *src);

/* Speeds up many sat_rs_mac calls on the same source: logs[0..SAT_RS_SYMBOLS) gets the
 * field logarithm of each symbol of src (a value marking zero for zero symbols), and
 * sat_rs_mac_logs(acc, c, logs) then equals sat_rs_mac(acc, c, src). */
void sat_rs_logs(const uint8_t *src, uint32_t *logs);
void sat_rs_mac_logs(uint8_t *acc, uint16_t c, const uint32_t *logs);

/* Parity of one stripe: parity[0..m) from data[0..k) (each SAT_RS_SECTOR bytes). */
void sat_rs_encode(unsigned k, unsigned m, const uint8_t *const *data, uint8_t *const *parity);

/* A decoding plan for one stripe: the erased data positions, the parity rows used and the
 * inverse of their e x e coefficient matrix. */
typedef struct sat_rs_plan {
    unsigned e;     /* erased data sectors (0: nothing to rebuild) */
    unsigned *cols; /* their positions, ascending */
    unsigned *rows; /* the good parity rows used, one per erased sector */
    uint16_t *inv;  /* e x e, row-major: data cols[u] = sum_t inv[u*e+t] * syndrome t */
} sat_rs_plan;

/* Builds the plan from erased[0..k+m) (nonzero: sector lost; data first, then parity).
 * Returns 0; SAT_E_LIMIT when more data sectors are lost than good parity rows remain
 * (message says how many); SAT_E_ARG for bad k, m; SAT_E_NOMEM. Free with
 * sat_rs_plan_free (also after failure). */
int sat_rs_plan_make(unsigned k, unsigned m, const uint8_t *erased, sat_rs_plan *p,
                     sat_err *err);

/* out[u] (the rebuilt data sector cols[u]) from the syndromes syn[0..e). */
void sat_rs_plan_solve(const sat_rs_plan *p, const uint8_t *const *syn, uint8_t *const *out);

void sat_rs_plan_free(sat_rs_plan *p);

/* Rebuilds the erased data sectors of a stripe in place: sectors[0..k) data,
 * sectors[k..k+m) parity, erased[] as for sat_rs_plan_make. Erased parity is not rebuilt
 * (encode again). Returns 0 or what sat_rs_plan_make returns. */
int sat_rs_decode(unsigned k, unsigned m, uint8_t *const *sectors, const uint8_t *erased,
                  sat_err *err);

#endif
