package msg

// ListStat is List without /proc: the MSG_STAT_ANY walk.
var ListStat = listStat
