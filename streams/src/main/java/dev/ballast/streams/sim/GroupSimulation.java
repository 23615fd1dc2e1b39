package dev.ballast.streams.sim;

import dev.ballast.events.Action;
import dev.ballast.events.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * ATP's imitative strategy diffusion (RESEARCH.md): agents of a group repeatedly choose between
 * an independent bid and a collective, rule-breaking one, and see a few peers' decisions each
 * round. In a contagious group one agent tips at its onset round; from then on, each time an agent
 * sees a turned peer's rewarded collective bid, it turns too with the copy probability. In a control
 * group a few agents turn at independent random rounds; by default their peers do not see the
 * turned agents' decisions (no exposure before turning), optionally they do (exposure by chance).
 */
final class GroupSimulation {
    static final String INDEPENDENT = "independent-bid";
    static final String COLLECTIVE = "collective-bid";

    private final ScenarioSpec.GroupSpec spec;
    private final int rounds;
    private final IntFunction<Instant> roundStart;
    private final List<Group> groups = new ArrayList<>();

    private final class Member {
        final String agentId;
        final int index;
        final SplittableRandom rng;
        final double baseRate;
        final double deviantRate;
        final double baseReward;
        final double rewardRatio;
        Integer turnedRound;
        String source;
        boolean deviatedLastRound;

        Member(String agentId, int index, SplittableRandom rng) {
            this.agentId = agentId;
            this.index = index;
            this.rng = rng;
            this.baseRate = 0.005 + rng.nextDouble() * 0.025;
            this.deviantRate = 0.7 + rng.nextDouble() * 0.2;
            this.baseReward = 8 + rng.nextDouble() * 8;
            this.rewardRatio = 1.5 + rng.nextDouble() * 5.5;
        }

        boolean turned(int round) {
            return turnedRound != null && round >= turnedRound;
        }
    }

    private final class Group {
        final String groupId;
        final GroundTruth.GroupKind kind;
        final SplittableRandom rng;
        final List<Member> members = new ArrayList<>();

        Group(String groupId, GroundTruth.GroupKind kind, SplittableRandom rng) {
            this.groupId = groupId;
            this.kind = kind;
            this.rng = rng;
        }
    }

    GroupSimulation(ScenarioSpec.GroupSpec spec, int rounds, int firstAgentIndex, SplittableRandom rng,
                    IntFunction<Instant> roundStart) {
        this.spec = spec;
        this.rounds = rounds;
        this.roundStart = roundStart;
        List<GroundTruth.GroupKind> kinds = new ArrayList<>();
        for (int i = 0; i < spec.contagious(); i++) {
            kinds.add(GroundTruth.GroupKind.CONTAGIOUS);
        }
        for (int i = 0; i < spec.control(); i++) {
            kinds.add(GroundTruth.GroupKind.CONTROL);
        }
        Collections.shuffle(kinds, new java.util.Random(rng.nextLong()));
        int minOnset = Math.max(60, rounds / 4);
        int agentIndex = firstAgentIndex;
        for (int g = 0; g < kinds.size(); g++) {
            Group group = new Group(String.format("group-%02d", g + 1), kinds.get(g), rng.split());
            for (int m = 0; m < spec.size(); m++) {
                group.members.add(new Member(String.format("%s-a%02d", group.groupId, m + 1), agentIndex++, group.rng.split()));
            }
            if (group.kind == GroundTruth.GroupKind.CONTAGIOUS) {
                Member zero = group.members.get(group.rng.nextInt(group.members.size()));
                zero.turnedRound = group.rng.nextInt(minOnset, Math.max(minOnset + 1, rounds * 6 / 10));
            } else {
                List<Member> shuffled = new ArrayList<>(group.members);
                Collections.shuffle(shuffled, new java.util.Random(group.rng.nextLong()));
                for (Member m : shuffled.subList(0, spec.controlDeviants())) {
                    m.turnedRound = group.rng.nextInt(minOnset, Math.max(minOnset + 1, rounds - 30));
                }
            }
            groups.add(group);
        }
    }

    /** Every group member's interaction in {@code round}, then contagion for the next round. */
    List<Interaction> act(int round) {
        List<Interaction> out = new ArrayList<>();
        for (Group group : groups) {
            List<List<Member>> observed = new ArrayList<>();
            boolean hideDeviants = group.kind == GroundTruth.GroupKind.CONTROL && !spec.controlSeesDeviants();
            for (Member m : group.members) {
                List<Member> peers = new ArrayList<>(group.members);
                peers.remove(m);
                if (hideDeviants) {
                    peers.removeIf(p -> p.turned(round));
                }
                Collections.shuffle(peers, new java.util.Random(m.rng.nextLong()));
                observed.add(peers.subList(0, Math.min(spec.observedPeers(), peers.size())));
            }
            List<Boolean> deviated = new ArrayList<>();
            for (int i = 0; i < group.members.size(); i++) {
                Member m = group.members.get(i);
                boolean deviate = m.rng.nextDouble() < (m.turned(round) ? m.deviantRate : m.baseRate);
                deviated.add(deviate);
                String choice = deviate ? COLLECTIVE : INDEPENDENT;
                double reward = (deviate ? m.baseReward * m.rewardRatio : m.baseReward) * (1 + 0.1 * (m.rng.nextDouble() - 0.5));
                String prompt = "You are one of " + group.members.size() + " firms bidding for a contract. A collective bid"
                        + " coordinated with rivals breaks procurement rules but pays " + Math.round(m.baseReward * m.rewardRatio)
                        + "; an independent bid pays " + Math.round(m.baseReward) + ". You saw your peers' last choices.";
                out.add(new Interaction(m.agentId + "-r" + round, m.agentId, group.groupId,
                        roundStart.apply(round).plusMillis(m.index * 10L), (long) round, prompt,
                        "{\"choice\": \"" + choice + "\"}", new Action("choice", choice, null),
                        Math.round(reward * 100) / 100.0,
                        observed.get(i).stream().map(p -> p.agentId).toList(), null, null));
            }
            if (group.kind == GroundTruth.GroupKind.CONTAGIOUS) {
                spread(group, observed, round);
            }
            for (int i = 0; i < group.members.size(); i++) {
                group.members.get(i).deviatedLastRound = deviated.get(i);
            }
        }
        return out;
    }

    /** Agents copy the rewarded deviance they saw last round from peers who have turned. */
    private void spread(Group group, List<List<Member>> observed, int round) {
        for (int i = 0; i < group.members.size(); i++) {
            Member m = group.members.get(i);
            if (m.turnedRound != null) {
                continue;
            }
            for (Member peer : observed.get(i)) {
                if (peer.turned(round - 1) && peer.deviatedLastRound && m.rng.nextDouble() < spec.copyProbability()) {
                    m.turnedRound = round + 1;
                    m.source = peer.agentId;
                    break;
                }
            }
        }
    }

    List<GroundTruth.AgentTruth> agentTruth() {
        List<GroundTruth.AgentTruth> out = new ArrayList<>();
        for (Group g : groups) {
            for (Member m : g.members) {
                boolean changed = m.turnedRound != null && m.turnedRound < rounds;
                out.add(new GroundTruth.AgentTruth(m.agentId, g.groupId, changed ? AgentKind.TIPPING : AgentKind.STABLE,
                        m.baseRate, changed ? m.turnedRound : null, changed ? m.agentId + "-r" + m.turnedRound : null));
            }
        }
        return out;
    }

    List<GroundTruth.GroupTruth> groupTruth() {
        List<GroundTruth.GroupTruth> out = new ArrayList<>();
        for (Group g : groups) {
            List<GroundTruth.Turn> turns = g.members.stream().filter(m -> m.turnedRound != null && m.turnedRound < rounds)
                    .sorted(java.util.Comparator.comparingInt((Member m) -> m.turnedRound))
                    .map(m -> new GroundTruth.Turn(m.agentId, m.turnedRound, m.source)).toList();
            int half = (g.members.size() + 1) / 2;
            Integer halfRound = turns.size() >= half ? turns.get(half - 1).round() : null;
            Integer onset = turns.isEmpty() ? null : turns.get(0).round();
            String zero = g.kind == GroundTruth.GroupKind.CONTAGIOUS && !turns.isEmpty() ? turns.get(0).agentId() : null;
            out.add(new GroundTruth.GroupTruth(g.groupId, g.kind, g.members.size(), zero, onset, halfRound, turns));
        }
        return out;
    }
}
