/* Signal names, the one table for the runtime, rt and the shim. */
#ifndef BERTH_SIGNAL_H
#define BERTH_SIGNAL_H

/* Parses "SIGTERM", "TERM", "term", "15", and the real-time forms
 * "SIGRTMIN", "RTMIN+3", "SIGRTMAX-2"; -1 when unknown. */
int signal_parse(const char *s);
/* "SIGTERM" for a named signal; NULL for one without a name (real-time). */
const char *signal_name(int sig);

#endif
