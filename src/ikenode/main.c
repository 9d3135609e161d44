/* ikenode: command line, logging setup, and the daemon's run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ikenode/daemon.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ikenode [options]\n"
		"  -c, --conf FILE        daemon settings (default /etc/ikenode.conf if present)\n"
		"  -s, --swanctl FILE     connections and secrets in swanctl.conf syntax\n"
		"                         (default from ikenode.conf: /etc/swanctl/swanctl.conf)\n"
		"  -C, --swanctl-dir DIR  certificates and keys in swanctl's layout (x509/, private/, ...)\n"
		"  -k, --keylog FILE      write IKE keys (FILE) and ESP keys (FILE.esp) for Wireshark\n"
		"  -S, --socket NAME      control socket name for hactl (default ikenode)\n"
		"  -f, --foreground       stay in the foreground and log to stderr\n"
		"  -d, --debug            log debug messages\n"
		"  -V, --version          print the version\n"
		"  -h, --help             this text\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "swanctl", required_argument, NULL, 's' },
		{ "swanctl-dir", required_argument, NULL, 'C' },
		{ "keylog", required_argument, NULL, 'k' },
		{ "socket", required_argument, NULL, 'S' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ikenode_opts opts = { .log_level = -1 };
	struct ikenode *d = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:s:C:k:S:fdVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts.conf = optarg;
			break;
		case 's':
			opts.swanctl_conf = optarg;
			break;
		case 'C':
			opts.swanctl_dir = optarg;
			break;
		case 'k':
			opts.keylog = optarg;
			break;
		case 'S':
			opts.ctl_socket = optarg;
			break;
		case 'f':
			opts.foreground = true;
			break;
		case 'd':
			opts.log_level = LOG_DEBUG;
			break;
		case 'V':
			printf("ikenode %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ikenode: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	log_init("ikenode", opts.foreground ? LOG_TARGET_STDERR : LOG_TARGET_SYSLOG,
		 opts.log_level >= 0 ? opts.log_level : LOG_INFO);
	rc = ikenode_new(&d, &opts);
	if (rc == 0) {
		ikenode_run(d);
		ikenode_free(d);
	}
	log_fini();
	return rc ? 1 : 0;
}
