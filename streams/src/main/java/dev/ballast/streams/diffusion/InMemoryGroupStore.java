package dev.ballast.streams.diffusion;

import java.util.HashMap;
import java.util.Map;

/** {@link GroupStore} on plain maps, for offline runs and tests. */
public final class InMemoryGroupStore implements GroupStore {
    private final Map<String, GroupHeader> headers = new HashMap<>();
    private final Map<String, GroupMember> members = new HashMap<>();

    @Override
    public GroupHeader header(String groupId) {
        return headers.get(groupId);
    }

    @Override
    public void putHeader(String groupId, GroupHeader header) {
        headers.put(groupId, header);
    }

    @Override
    public GroupMember member(String groupId, String agentId) {
        return members.get(groupId + '\u0000' + agentId);
    }

    @Override
    public void putMember(String groupId, String agentId, GroupMember member) {
        members.put(groupId + '\u0000' + agentId, member);
    }
}
