// SPDX-License-Identifier: GPL-3.0-or-later
// pagemap's live sources: the running kernel's own interfaces, read as
// tools/mm/page-types does (Documentation/admin-guide/mm/pagemap.rst):
//   /proc/PID/maps      the process's mappings (which virtual pages to ask about)
//   /proc/PID/pagemap   one 64-bit entry per virtual page: bit 63 present,
//                       62 swapped, 61 file page or shared anonymous, 56
//                       mapped exclusively, 55 soft-dirty, 0-54 the pfn (or
//                       the swap type and offset when swapped); without
//                       CAP_SYS_ADMIN the kernel reports pfn 0
//   /proc/kpageflags    one 64-bit flags word per pfn (<kdive/kpf.h>)
//   /proc/kpagecount    how many times each pfn is mapped
//   /proc/kpagecgroup   the inode of each pfn's memory cgroup
// A file's page-cache pages (-f) are found as page-types finds them: the
// file mapped, mincore() telling which pages are cached, those (and only
// those: no I/O) touched, then our own pagemap read.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pagemap.h"

enum { BATCH = 4096 };

static struct kd_error *os_error(const char *what, const char *path)
{
	int e = errno;
	struct kd_error *err = kd_error_create(KD_ERR_OS, "%s %s: %s%s", what, path, strerror(e),
					       e == EACCES || e == EPERM ? " (page flags need root: CAP_SYS_ADMIN)" : "");
	err->errnum = e;
	return err;
}

// Read n 64-bit words at index idx of a /proc array; returns the number read.
static size_t read_words(int fd, uint64_t idx, uint64_t *buf, size_t n)
{
	if (fd < 0) {
		memset(buf, 0, n * 8);
		return n;
	}
	ssize_t got = pread(fd, buf, n * 8, (off_t)(idx * 8));
	return got > 0 ? (size_t)got / 8 : 0;
}

struct frames {
	int flags_fd, count_fd, cgroup_fd;
};

static struct kd_error *frames_open(struct pm_sink *k, struct frames *f)
{
	f->count_fd = f->cgroup_fd = -1;
	f->flags_fd = open("/proc/kpageflags", O_RDONLY);
	if (f->flags_fd < 0)
		return os_error("opening", "/proc/kpageflags");
	// Only what is shown is read: a pread less per run of frames.
	if (k->need_count)
		f->count_fd = open("/proc/kpagecount", O_RDONLY);
	if (k->cgroup)
		f->cgroup_fd = open("/proc/kpagecgroup", O_RDONLY);
	if (k->cgroup && f->cgroup_fd < 0)
		kd_warn(k->s, "pagemap: /proc/kpagecgroup: %s (no memory cgroups?): cgroup shown as 0", strerror(errno));
	return NULL;
}

static void frames_close(struct frames *f)
{
	if (f->flags_fd >= 0)
		close(f->flags_fd);
	if (f->count_fd >= 0)
		close(f->count_fd);
	if (f->cgroup_fd >= 0)
		close(f->cgroup_fd);
}

// Fill flags, count and cgroup of a present page from its pfn.
static void frame_info(const struct frames *f, struct pm_page *p)
{
	read_words(f->flags_fd, p->pfn, &p->flags, 1);
	read_words(f->count_fd, p->pfn, &p->count, 1);
	read_words(f->cgroup_fd, p->pfn, &p->cgroup, 1);
}

struct kd_error *pm_live_frames(struct pm_sink *k, const struct pm_range *r)
{
	struct frames f;
	struct kd_error *err = frames_open(k, &f);
	if (err)
		return err;
	uint64_t *fl = malloc(BATCH * 8), *cn = malloc(BATCH * 8), *cg = malloc(BATCH * 8);
	if (!fl || !cn || !cg) {
		err = &kd_enomem;
		goto out;
	}
	for (uint64_t pfn = r->lo; pfn < r->hi && !err;) {
		size_t want = r->hi - pfn < BATCH ? (size_t)(r->hi - pfn) : BATCH;
		size_t n = read_words(f.flags_fd, pfn, fl, want);
		if (n == 0)
			break; // past the last pfn
		if (read_words(f.count_fd, pfn, cn, n) < n)
			memset(cn, 0, n * 8);
		if (read_words(f.cgroup_fd, pfn, cg, n) < n)
			memset(cg, 0, n * 8);
		for (size_t i = 0; i < n && !err; i++) {
			struct pm_page p = { .vpn = pfn + i, .pfn = pfn + i, .flags = fl[i], .count = cn[i],
					     .cgroup = cg[i] };
			err = pm_add(k, &p);
		}
		pfn += n;
		if (!err)
			err = kd_check_interrupt(k->s);
	}
out:
	free(fl);
	free(cn);
	free(cg);
	frames_close(&f);
	return err;
}

// Feed the pages [vlo, vhi) of a mapping from pagemap_fd.  The frames'
// flags, counts and cgroups are read a run of consecutive frames at a time
// (a process's memory is mostly such runs), not one pread per page, and
// counts and cgroups only when shown.
static struct kd_error *walk_vpages(struct pm_sink *k, const struct frames *f, int pagemap_fd, uint64_t vlo,
				    uint64_t vhi)
{
	static uint64_t buf[BATCH], fl[BATCH], cn[BATCH], cg[BATCH];
	struct kd_error *err = NULL;
	for (uint64_t v = vlo; v < vhi && !err;) {
		size_t want = vhi - v < BATCH ? (size_t)(vhi - v) : BATCH;
		size_t n = read_words(pagemap_fd, v, buf, want);
		if (n == 0)
			break;
		for (size_t i = 0; i < n && !err;) {
			uint64_t e = buf[i];
			struct pm_page p = { .vpn = v + i, .pme = e };
			if (!(e & (KD_PM_PRESENT | KD_PM_SWAP))) {
				i++;
				continue; // not present: page-types skips it too
			}
			if (e & KD_PM_SWAP && !(e & KD_PM_PRESENT)) {
				p.swapped = true;
				p.pfn = (e & KD_PM_PFN_MASK) >> 5; // type in bits 0-4, offset above
				err = pm_add(k, &p);
				i++;
				continue;
			}
			uint64_t pfn = e & KD_PM_PFN_MASK;
			if (pfn == 0) {
				k->root_hint = true;
				p.pfn = 0;
				err = pm_add(k, &p);
				i++;
				continue;
			}
			// The run of present pages whose frames follow each other.
			size_t run = 1;
			while (i + run < n && (buf[i + run] & KD_PM_PRESENT) &&
			       (buf[i + run] & KD_PM_PFN_MASK) == pfn + run)
				run++;
			size_t got = read_words(f->flags_fd, pfn, fl, run);
			if (read_words(f->count_fd, pfn, cn, run) < run)
				memset(cn, 0, run * 8);
			if (read_words(f->cgroup_fd, pfn, cg, run) < run)
				memset(cg, 0, run * 8);
			if (got < run)
				memset(fl + got, 0, (run - got) * 8);
			for (size_t j = 0; j < run && !err; j++) {
				struct pm_page q = { .vpn = v + i + j, .pme = buf[i + j], .pfn = pfn + j,
						     .flags = fl[j], .count = cn[j], .cgroup = cg[j] };
				err = pm_add(k, &q);
			}
			i += run;
		}
		v += n;
		if (!err)
			err = kd_check_interrupt(k->s);
	}
	return err;
}

struct kd_error *pm_live_pid(struct pm_sink *k, long pid, const struct pm_range *r)
{
	char path[64];
	struct frames f;
	struct kd_error *err = frames_open(k, &f);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	FILE *maps = fopen(path, "r");
	if (!maps) {
		err = os_error("opening", path);
		frames_close(&f);
		return err;
	}
	snprintf(path, sizeof(path), "/proc/%ld/pagemap", pid);
	int pm = open(path, O_RDONLY);
	if (pm < 0) {
		err = os_error("opening", path);
		fclose(maps);
		frames_close(&f);
		return err;
	}
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);
	char line[4096];
	while (!err && fgets(line, sizeof(line), maps)) {
		unsigned long long lo, hi;
		if (sscanf(line, "%llx-%llx", &lo, &hi) != 2)
			continue;
		uint64_t vlo = lo / ps, vhi = hi / ps;
		if (vlo < r->lo)
			vlo = r->lo;
		if (vhi > r->hi)
			vhi = r->hi;
		if (vlo < vhi)
			err = walk_vpages(k, &f, pm, vlo, vhi);
	}
	close(pm);
	fclose(maps);
	frames_close(&f);
	return err;
}

struct kd_error *pm_live_file(struct pm_sink *k, const char *path, const struct pm_range *r)
{
	struct frames f;
	struct kd_error *err = frames_open(k, &f);
	if (err)
		return err;
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		err = os_error("opening", path);
		goto out;
	}
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t pages = ((uint64_t)st.st_size + ps - 1) / ps;
	if (!S_ISREG(st.st_mode) || pages == 0) {
		err = kd_error_create(KD_ERR_USAGE, "%s: not a regular file with data", path);
		goto out;
	}
	unsigned char *map = mmap(NULL, pages * ps, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		err = os_error("mapping", path);
		goto out;
	}
	madvise(map, pages * ps, MADV_RANDOM);
	unsigned char *vec = malloc(pages);
	int pm = open("/proc/self/pagemap", O_RDONLY);
	if (!vec || pm < 0 || mincore(map, pages * ps, vec)) {
		err = vec ? os_error("reading the page cache of", path) : &kd_enomem;
	} else {
		volatile unsigned char sink = 0;
		uint64_t base = (uint64_t)(uintptr_t)map / ps;
		for (uint64_t i = 0; i < pages && !err; i++) {
			if (!(vec[i] & 1) || i < r->lo || i >= r->hi)
				continue;
			sink ^= map[i * ps]; // cached: mapping it costs no I/O
			uint64_t e;
			if (read_words(pm, base + i, &e, 1) != 1 || !(e & KD_PM_PRESENT))
				continue;
			struct pm_page p = { .vpn = i, .pme = e, .pfn = e & KD_PM_PFN_MASK };
			if (p.pfn == 0)
				k->root_hint = true;
			else
				frame_info(&f, &p);
			err = pm_add(k, &p);
		}
		(void)sink;
	}
	if (pm >= 0)
		close(pm);
	free(vec);
	munmap(map, pages * ps);
out:
	if (fd >= 0)
		close(fd);
	frames_close(&f);
	return err;
}
