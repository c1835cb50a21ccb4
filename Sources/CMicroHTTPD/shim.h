#ifndef FUNASR_CMICROHTTPD_SHIM_H
#define FUNASR_CMICROHTTPD_SHIM_H

#include <stdint.h>
#include <sys/socket.h>
#include <poll.h>
#include <microhttpd.h>

/* Swift cannot call C variadic functions. Each wrapper below exists only to give one
   variadic libmicrohttpd call a fixed signature; none adds logic. */

/* MHD_start_daemon is variadic: pass the options as one MHD_OPTION_ARRAY. */
static inline struct MHD_Daemon *funasr_mhd_start_daemon(unsigned int flags, uint16_t port,
        MHD_AccessHandlerCallback handler, void *handler_cls,
        MHD_RequestCompletedCallback completed, void *completed_cls,
        MHD_NotifyConnectionCallback notify, void *notify_cls,
        struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
                            MHD_OPTION_ARRAY, options,
                            MHD_OPTION_END);
}

/* MHD_get_connection_info is variadic: the pointer the NOTIFY_CONNECTION callback stored, or NULL. */
static inline void *funasr_mhd_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

/* MHD_get_daemon_info is variadic: the bound port (for port 0), or 0 on failure. */
static inline uint16_t funasr_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/* MHD_get_connection_info is variadic: the connection's socket, or -1 on failure. */
static inline int funasr_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

/* MHD_set_connection_option is variadic: set one connection's idle timeout in seconds. */
static inline int funasr_mhd_set_connection_timeout(struct MHD_Connection *connection, unsigned int seconds) {
    return MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT, seconds) == MHD_YES;
}

/* MHD_upgrade_action is variadic: give an upgraded socket back to libmicrohttpd, which shuts it down and closes it. */
static inline int funasr_mhd_upgrade_close(struct MHD_UpgradeResponseHandle *urh) {
    return MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE) == MHD_YES;
}

#endif
