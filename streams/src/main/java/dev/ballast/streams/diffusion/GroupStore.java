package dev.ballast.streams.diffusion;

/**
 * Where group state lives: the stream processor backs it with a state store; tests with maps.
 * Members are stored apart from the header so that an ordinary event touches one small member.
 */
public interface GroupStore {
    GroupHeader header(String groupId);

    void putHeader(String groupId, GroupHeader header);

    GroupMember member(String groupId, String agentId);

    void putMember(String groupId, String agentId, GroupMember member);
}
