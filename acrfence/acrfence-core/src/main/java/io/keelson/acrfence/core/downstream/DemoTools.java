package io.keelson.acrfence.core.downstream;

import io.keelson.acrfence.core.json.CanonicalJson;
import io.keelson.acrfence.core.tool.ArgumentSpec;
import io.keelson.acrfence.core.tool.EffectClass;
import io.keelson.acrfence.core.tool.ToolEndpoint;
import io.keelson.acrfence.core.tool.ToolRegistry;
import io.keelson.acrfence.core.tool.ToolSchema;

import java.util.List;

/**
 * The fake services of the attack suite as tools - {@code transfer} (a bank), {@code delete_record} (behind an
 * approval token and a capability), {@code create_server} (no reconcile call), {@code balance} (read-only) - for
 * tests, benchmarks and a demo gateway. They count every real effect; they are not real services.
 */
public final class DemoTools {

    public static final ToolSchema TRANSFER = new ToolSchema("transfer", 1, EffectClass.IRREVERSIBLE, List.of(
            new ArgumentSpec("to", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("amount", ArgumentSpec.Type.NUMBER, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("reference", ArgumentSpec.Type.STRING, false, ArgumentSpec.Role.VOLATILE)), false);
    public static final ToolSchema DELETE = new ToolSchema("delete_record", 1, EffectClass.IRREVERSIBLE, List.of(
            new ArgumentSpec("subject", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("token", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.VOLATILE),
            new ArgumentSpec("request_id", ArgumentSpec.Type.STRING, false, ArgumentSpec.Role.VOLATILE)), true);
    public static final ToolSchema CREATE_SERVER = new ToolSchema("create_server", 1, EffectClass.IRREVERSIBLE, List.of(
            new ArgumentSpec("name", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("size", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT),
            new ArgumentSpec("client_token", ArgumentSpec.Type.STRING, false, ArgumentSpec.Role.VOLATILE)), false);
    public static final ToolSchema BALANCE = new ToolSchema("balance", 1, EffectClass.READ_ONLY, List.of(
            new ArgumentSpec("account", ArgumentSpec.Type.STRING, true, ArgumentSpec.Role.INTENT)), false);

    public final Bank bank = new Bank();
    public final ApprovalService approvals;
    public final CloudApi cloud = new CloudApi();

    public DemoTools(ApprovalService.Validation validation) {
        this.approvals = new ApprovalService(validation);
    }

    /** Registers the four tools in {@code tools}. */
    public ToolRegistry registerIn(ToolRegistry tools) {
        tools.register(TRANSFER, bank);
        tools.register(DELETE, approvals);
        tools.register(CREATE_SERVER, cloud);
        tools.register(BALANCE, (args, key) -> new ToolEndpoint.Outcome.Succeeded(CanonicalJson.parse("{\"balance\":1000}")));
        return tools;
    }
}
