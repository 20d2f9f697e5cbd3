/*
 * file.h - opening the files a user names, without blocking.
 *
 * open() of a FIFO blocks until a writer comes, and of some devices
 * forever: a check of the file's type after open() comes too late.  Files
 * are opened with O_NONBLOCK, checked with fstat() to be regular files,
 * and only then read (the flag is cleared; it changes nothing for regular
 * files).
 */
#ifndef OL_FILE_H
#define OL_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Opens path for reading if it is a regular file; otherwise returns NULL
 * with errno set and a short reason ("is a directory", "is not a regular
 * file (a FIFO, a device...)", or strerror) in why. */
FILE *ol_fopen_regular(const char *path, char *why, size_t why_len);

#endif
