/*
 * ring.h: the message ring of github.com/go-sysv/shm/ring, version 1, in C11 for
 * Linux: a single-producer, single-consumer queue of messages in one System V
 * segment, which a Go program and a C program can share. Header only; include it
 * before any system header (it asks for the syscall(2) declaration).
 *
 * The layout (every word a little-endian uint32; the Go package's documentation
 * is the reference):
 *
 *   0    "SYSVRING"        8    version 1      12  header size 512   16  capacity C
 *   128  tail: bytes written, mod 2^32 (the writer's)
 *   256  head: bytes read, mod 2^32 (the reader's)
 *   384  reader's wait flag   388  writer's wait flag: 0, or 1<<31 | low 31 bits of
 *        the counter value its owner sleeps on (FUTEX_WAIT on that counter)
 *   448  writer's owner record: pid, state (0 free, 1 open, 2 closed; changes
 *        counted above the low 2 bits), start time low, start time high
 *   464  reader's owner record
 *   512  data, C bytes: frames of an 8-byte header {n, m} and n bytes padded to 8.
 *        m = bytes of the message from this frame on, | 1<<31 in all frames but
 *        the first; n = 0xffffffff: wrap to offset 0; n = 0xfffffffe: reset.
 *
 * Errors are negative errnos: -EPIPE (the reader is gone), -EOWNERDEAD (the writer
 * died), -EMSGSIZE (message too long for the buffer or the ring), -EBADMSG
 * (corrupt ring), -EBUSY (the end is held), -EINVAL (not a ring). ring_recv
 * returns RING_EOF once the writer closed and all is read. This C side checks a
 * peer's life with kill(pid, 0), not with a pidfd and start time as the Go side.
 */
#ifndef GOSYSV_RING_H
#define GOSYSV_RING_H

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* syscall(2) */
#endif

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define RING_LE(x) __builtin_bswap32(x)
#else
#define RING_LE(x) (x)
#endif

#define RING_HEADER 512u
#define RING_WRAP 0xffffffffu
#define RING_RESET 0xfffffffeu
#define RING_CONT 0x80000000u
#define RING_WAITING 0x80000000u
#define RING_EOF (-1000)
#define RING_SPIN 4096
#define RING_FRAGMENT (64u << 10)

typedef _Atomic uint32_t ring_word;

struct ring_end {
	ring_word *pid, *state, *start_lo, *start_hi;
};

struct ring {
	unsigned char *mem, *data;
	uint32_t cap, mask;
	ring_word *tail_w, *head_w, *tail_wait, *head_wait;
	struct ring_end writer, reader;
	/* the writer's or reader's own state, in this process */
	uint32_t tail, head; /* its own counter, and the other's as last read */
	int reset;           /* writer: a reset frame goes first */
	int in_msg, resync;  /* reader */
	uint32_t total, got;
};

static inline ring_word *ring_word_at(struct ring *r, uint32_t off) {
	return (ring_word *)(void *)(r->mem + off);
}
static inline uint32_t ring_load(ring_word *w) { return RING_LE(atomic_load(w)); }
static inline void ring_store(ring_word *w, uint32_t v) { atomic_store(w, RING_LE(v)); }
static inline uint32_t ring_get32(const unsigned char *p) {
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void ring_put32(unsigned char *p, uint32_t v) {
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8), p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}
static inline uint32_t ring_frame(uint32_t n) { return 8 + ((n + 7) & ~7u); }

/* ring_attach attaches segment shmid and checks that it holds a ring. */
static int ring_attach(struct ring *r, int shmid) {
	memset(r, 0, sizeof *r);
	struct shmid_ds ds;
	if (shmctl(shmid, IPC_STAT, &ds) < 0)
		return -errno;
	void *p = shmat(shmid, NULL, 0);
	if (p == (void *)-1)
		return -errno;
	r->mem = p;
	uint32_t cap = ring_get32(r->mem + 16);
	if (ds.shm_segsz < RING_HEADER + 1024 || memcmp(r->mem, "SYSVRING", 8) != 0 ||
	    ring_get32(r->mem + 8) != 1 || ring_get32(r->mem + 12) != RING_HEADER ||
	    cap < 1024 || cap > (1u << 30) || (cap & (cap - 1)) != 0 || RING_HEADER + (size_t)cap > ds.shm_segsz) {
		shmdt(p);
		return -EINVAL;
	}
	r->data = r->mem + RING_HEADER;
	r->cap = cap, r->mask = cap - 1;
	r->tail_w = ring_word_at(r, 128), r->head_w = ring_word_at(r, 256);
	r->tail_wait = ring_word_at(r, 384), r->head_wait = ring_word_at(r, 388);
	for (int i = 0; i < 2; i++) {
		struct ring_end *e = i ? &r->reader : &r->writer;
		uint32_t off = i ? 464 : 448;
		e->pid = ring_word_at(r, off), e->state = ring_word_at(r, off + 4);
		e->start_lo = ring_word_at(r, off + 8), e->start_hi = ring_word_at(r, off + 12);
	}
	return 0;
}

/* ring_start_time reads field 22 of /proc/PID/stat, 0 if it cannot. */
static uint64_t ring_start_time(pid_t pid) {
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *s = strrchr(buf, ')');
	if (!s)
		return 0;
	unsigned long long v = 0;
	/* after ") ": fields 3 to 21, then starttime */
	for (int field = 3; field <= 22 && s; field++) {
		s = strchr(s + 1, ' ');
		if (s && field == 22)
			v = strtoull(s + 1, NULL, 10);
	}
	return v;
}

static int ring_alive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH); }

/* ring_claim takes the writing (reader = 0) or reading (reader = 1) end. */
static int ring_claim(struct ring *r, int reader) {
	struct ring_end *e = reader ? &r->reader : &r->writer;
	uint32_t me = (uint32_t)getpid();
	uint64_t start = ring_start_time(getpid());
	for (int try = 0; try < 100; try++) {
		uint32_t s = ring_load(e->state), held = ring_load(e->pid);
		if (held != 0 && held <= INT_MAX && ring_alive((pid_t)held))
			return -EBUSY; /* a live holder (or one between its claim's steps) */
		uint32_t want = RING_LE(held);
		if (!atomic_compare_exchange_strong(e->pid, &want, RING_LE(me)))
			continue;
		ring_store(e->start_lo, (uint32_t)start);
		ring_store(e->start_hi, (uint32_t)(start >> 32));
		ring_store(e->state, ((s >> 2) + 1) << 2 | 1);
		uint32_t tail = ring_load(r->tail_w), head = ring_load(r->head_w);
		if (tail % 8 || head % 8 || tail - head > r->cap)
			return -EBADMSG;
		r->tail = tail, r->head = head;
		r->reset = !reader, r->resync = reader, r->in_msg = 0;
		return 0;
	}
	return -EBUSY;
}

/* ring_close releases the end and wakes the other side. */
static void ring_close(struct ring *r, int reader) {
	struct ring_end *e = reader ? &r->reader : &r->writer;
	if (ring_load(e->pid) != (uint32_t)getpid())
		return;
	uint32_t s = ring_load(e->state);
	ring_store(e->state, ((s >> 2) + 1) << 2 | 2);
	ring_store(e->pid, 0);
	syscall(SYS_futex, reader ? r->head_w : r->tail_w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* ring_peer says whether the other end is open (1), gone (0: closed or dead, *died
 * set if dead) or never opened (2). */
static int ring_peer(struct ring_end *e, int *died) {
	uint32_t s = ring_load(e->state) & 3, pid = ring_load(e->pid);
	*died = 0;
	if (s == 0)
		return 2;
	if (s == 2)
		return 0;
	if (pid > INT_MAX || !ring_alive((pid_t)pid)) {
		*died = 1;
		return 0;
	}
	return 1;
}

static void ring_notify(ring_word *counter, ring_word *flag, uint32_t value) {
	uint32_t f = atomic_load(flag);
	if (f == 0)
		return;
	uint32_t tag = RING_LE(f);
	if (!(tag & RING_WAITING) || (tag & ~RING_WAITING) == (value & ~RING_WAITING))
		return;
	if (atomic_compare_exchange_strong(flag, &f, 0))
		syscall(SYS_futex, counter, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* ring_await waits up to 20 ms for the counter to leave value (as this side last saw
 * it): a short spin, then FUTEX_WAIT with the wait flag set. */
static void ring_await(ring_word *counter, ring_word *flag, uint32_t value) {
	uint32_t raw = RING_LE(value);
	for (int i = 0; i < RING_SPIN; i++)
		if (atomic_load(counter) != raw)
			return;
	uint32_t tag = RING_LE(RING_WAITING | (value & ~RING_WAITING));
	atomic_store(flag, tag);
	if (atomic_load(counter) == raw) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		syscall(SYS_futex, counter, FUTEX_WAIT, raw, &ts, NULL, 0);
	}
	uint32_t expect = tag;
	atomic_compare_exchange_strong(flag, &expect, 0);
}

static void ring_publish_tail(struct ring *r, uint32_t pos) {
	r->tail = pos;
	ring_store(r->tail_w, pos);
	ring_notify(r->tail_w, r->tail_wait, pos);
}

static void ring_publish_head(struct ring *r, uint32_t pos) {
	r->head = pos;
	ring_store(r->head_w, pos);
	ring_notify(r->head_w, r->head_wait, pos);
}

static void ring_header(struct ring *r, uint32_t n, uint32_t m) {
	unsigned char *h = r->data + (r->tail & r->mask);
	ring_put32(h, n), ring_put32(h + 4, m);
}

/* ring_wait_room waits for the reader to free room; -EPIPE if it is gone. */
static int ring_wait_room(struct ring *r) {
	uint32_t head = ring_load(r->head_w);
	/* The head never moves back: a reader moving it to and fro must not keep us here. */
	if (head % 8 || r->tail - head > r->cap || head - r->head > r->tail - r->head)
		return -EBADMSG;
	if (head != r->head) {
		r->head = head;
		return 0;
	}
	int died;
	if (ring_peer(&r->reader, &died) == 0)
		return -EPIPE;
	ring_await(r->head_w, r->head_wait, head);
	return 0;
}

/* ring_send sends n bytes as one message, in pieces of up to 64 KiB (or a quarter of
 * the capacity), as the Go writer does. */
static int ring_send(struct ring *r, const void *msg, uint32_t n) {
	const unsigned char *p = msg;
	uint32_t frag = r->cap / 4 < RING_FRAGMENT ? r->cap / 4 : RING_FRAGMENT;
	uint32_t rest = n;
	int first = 1;
	if (n > r->cap)
		return -EMSGSIZE;
	for (;;) {
		uint32_t free = r->cap - (r->tail - r->head), to_end = r->cap - (r->tail & r->mask);
		if (r->reset) {
			if (free >= 8) {
				ring_header(r, RING_RESET, 0);
				ring_publish_tail(r, r->tail + 8);
				r->reset = 0;
				continue;
			}
		} else {
			uint32_t want = rest < frag ? rest : frag, need = ring_frame(want);
			if (need > to_end && to_end <= free) {
				if (to_end > 8)
					want = to_end - 8, need = to_end;
				else {
					ring_header(r, RING_WRAP, 0);
					ring_publish_tail(r, r->tail + to_end);
					continue;
				}
			}
			if (need <= to_end && need <= free) {
				ring_header(r, want, rest | (first ? 0 : RING_CONT));
				memcpy(r->data + (r->tail & r->mask) + 8, p, want);
				p += want, rest -= want, first = 0;
				ring_publish_tail(r, r->tail + need);
				if (rest == 0)
					return 0;
				continue;
			}
		}
		int err = ring_wait_room(r);
		if (err)
			return err;
	}
}

/* ring_recv receives the next message into buf (size bytes): its length, RING_EOF, or
 * a negative errno. */
static long ring_recv(struct ring *r, void *buf, uint32_t size) {
	unsigned char *out = buf;
	for (;;) {
		if (r->head == r->tail) {
			uint32_t tail = ring_load(r->tail_w);
			if (tail % 8 || tail - r->head > r->cap)
				return -EBADMSG;
			if (tail == r->tail) {
				int died, st = ring_peer(&r->writer, &died);
				if (st == 0) {
					if (ring_load(r->tail_w) != tail)
						continue; /* it wrote more before it went */
					r->in_msg = 0;
					return died ? -EOWNERDEAD : RING_EOF;
				}
				ring_await(r->tail_w, r->tail_wait, tail);
				continue;
			}
			r->tail = tail;
		}
		uint32_t off = r->head & r->mask, to_end = r->cap - off, avail = r->tail - r->head;
		const unsigned char *h = r->data + off;
		uint32_t n = ring_get32(h), m = ring_get32(h + 4), rest = m & ~RING_CONT;
		if (n == RING_WRAP) {
			if (to_end > avail)
				return -EBADMSG;
			ring_publish_head(r, r->head + to_end);
			continue;
		}
		if (n == RING_RESET) {
			r->in_msg = r->resync = 0;
			ring_publish_head(r, r->head + 8);
			continue;
		}
		uint64_t fs = 8 + (((uint64_t)n + 7) & ~(uint64_t)7);
		if (n > r->cap || fs > to_end || fs > avail || rest < n || rest > r->cap || (n == 0 && rest != 0))
			return -EBADMSG;
		if (!r->in_msg) {
			if (m & RING_CONT) {
				if (!r->resync)
					return -EBADMSG;
				ring_publish_head(r, r->head + (uint32_t)fs);
				continue;
			}
			r->resync = 0;
			if (rest > size)
				return -EMSGSIZE;
			r->in_msg = 1, r->total = rest, r->got = 0;
		} else if (!(m & RING_CONT) || rest != r->total - r->got) {
			return -EBADMSG;
		}
		memcpy(out + r->got, h + 8, n);
		r->got += n;
		ring_publish_head(r, r->head + (uint32_t)fs);
		if (rest == n) {
			r->in_msg = 0;
			return (long)r->total;
		}
	}
}

#endif
