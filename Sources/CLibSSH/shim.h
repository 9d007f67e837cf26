#ifndef DROVER_CLIBSSH_SHIM_H
#define DROVER_CLIBSSH_SHIM_H

#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/sftp.h>
#include <libssh/server.h> /* ssh_send_keepalive, usable by clients too */
#include <fcntl.h>
#include <sys/stat.h>

#endif
