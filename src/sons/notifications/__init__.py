"""Events and notifications: what happened that someone must act on or would want to know (sons.notifications.
events), written in the transaction of the change; the notifications, e-mails and digests that follow are jobs
of the queue (sons.jobs), so a change rolled back tells nobody anything and a change committed is told even if
the process dies just after."""
