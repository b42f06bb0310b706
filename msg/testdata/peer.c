// peer is the C side of the msg tests: a program that uses the queue with <sys/msg.h>
// as C programs do.
//
//	peer MSQID
//
// It takes messages of types 1 to 99 off the queue and puts each back reversed, with
// its type plus 100, until a message of type 99; then it prints the queue's msqid_ds
// (IPC_STAT) on one line and exits.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>

struct message {
	long mtype;
	char mtext[65536];
};

static struct message m;

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: peer MSQID\n");
		return 2;
	}
	int id = atoi(argv[1]);
	for (;;) {
		ssize_t n = msgrcv(id, &m, sizeof m.mtext, -99, 0);
		if (n < 0) {
			perror("msgrcv");
			return 1;
		}
		if (m.mtype == 99) {
			break;
		}
		for (ssize_t i = 0, j = n - 1; i < j; i++, j--) {
			char c = m.mtext[i];
			m.mtext[i] = m.mtext[j];
			m.mtext[j] = c;
		}
		m.mtype += 100;
		if (msgsnd(id, &m, (size_t)n, 0) < 0) {
			perror("msgsnd");
			return 1;
		}
	}
	struct msqid_ds ds;
	if (msgctl(id, IPC_STAT, &ds) < 0) {
		perror("msgctl");
		return 1;
	}
	printf("qnum=%lu cbytes=%lu qbytes=%lu lspid=%ld lrpid=%ld stime=%lld rtime=%lld ctime=%lld mode=%o uid=%lu cuid=%lu\n",
	       (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes,
	       (long)ds.msg_lspid, (long)ds.msg_lrpid, (long long)ds.msg_stime, (long long)ds.msg_rtime,
	       (long long)ds.msg_ctime, (unsigned)(ds.msg_perm.mode & 0777), (unsigned long)ds.msg_perm.uid,
	       (unsigned long)ds.msg_perm.cuid);
	return 0;
}
