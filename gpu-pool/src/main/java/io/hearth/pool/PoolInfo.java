package io.hearth.pool;

import java.util.List;
import java.util.Map;

/**
 * One model's pool as admin shows it: its policy, the KV tokens a new replica gets, the replicas deployed functions ask to keep warm, its replicas,
 * requests held for a loading replica, cold starts by tier, the progress of a load under way (-1 when none), the last
 * load failure (null when none), how many replicas failed while serving (each was replaced), and the download of
 * its file (null for a local file).
 */
public record PoolInfo(String model, PoolPolicy policy, int kvTokens, int functionsMinWarm, List<ReplicaInfo> replicas, int held, int loadingPercent,
                       Map<WeightTier, Long> coldStarts, String lastFailure, long replicaFailures, DownloadInfo download) {
}
