// SPDX-License-Identifier: GPL-3.0-or-later
// Read-only dump files with bounds-checked reads.  kdive never opens a dump
// for writing.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

struct kd_error *kd_file_open(const char *path, struct kd_file **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kd_error_os(errno, "cannot open '%s'", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return kd_error_os(e, "cannot stat '%s'", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return kd_error_create(KD_ERR_USAGE, "'%s' is a directory", path);
	}
	struct kd_file *f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		close(fd);
		return &kd_enomem;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	*ret = f;
	return NULL;
}

void kd_file_close(struct kd_file *f)
{
	if (!f)
		return;
	close(f->fd);
	free(f->path);
	free(f);
}

struct kd_error *kd_file_pread(struct kd_file *f, void *buf, size_t len, uint64_t off)
{
	if (off > f->size || len > f->size - off)
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s' is truncated: need %zu bytes at offset 0x%llx, file size is 0x%llx",
				       f->path, len, (unsigned long long)off, (unsigned long long)f->size);
	char *p = buf;
	while (len) {
		ssize_t n = pread(f->fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kd_error_os(errno, "reading '%s' at offset 0x%llx", f->path,
					   (unsigned long long)off);
		}
		if (n == 0)
			return kd_error_create(KD_ERR_CORRUPT, "'%s' is truncated at offset 0x%llx",
					       f->path, (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return NULL;
}
