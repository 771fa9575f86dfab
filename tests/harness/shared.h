/*
 * shared.h - what the checker (tests/harness) and the grader (tests/grader)
 * share, so that each is said once:
 *
 *   - the verdict words of a test in the JSON report the checker writes
 *     (`--format json`: {"tests": [{"name": ..., "status": "pass" ...}]})
 *     and the grader reads;
 *   - removing a scratch tree;
 *   - killing what a program left behind (the children a subreaper got).
 *
 * The checkers are built with every C file of tests/harness; the grader's rule
 * in the Makefile compiles shared.c with its own files.
 */
#ifndef SHARED_H
#define SHARED_H

/* A test's verdict, in the order of verdict_word's words. */
enum verdict { PASSED, FAILED, SKIPPED };

/* "pass", "fail" or "skip": the "status" of a test in the JSON report. */
const char *verdict_word(enum verdict v);
/* The verdict a word names; -1 when it names none. */
int verdict_parse(const char *word);

/* Remove a directory tree: a symbolic link is removed, never followed, and
 * another file system mounted inside is not entered.  NULL: nothing. */
void rm_tree(const char *path);

/* fn(child, arg) for each child of each thread of process pid (0: this
 * process), until fn returns nonzero; returns that, or 0. */
int for_each_child(long pid, int (*fn)(long child, void *arg), void *arg);

/* SIGKILL every child of every thread of this process (a child subreaper
 * gets the daemons its programs leave); with reap, wait for each.  Returns
 * how many there were. */
int kill_children(int reap);

#endif
