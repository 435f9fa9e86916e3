package dev.rapport.crm.interaction;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Records an interaction with a customer. {@code occurredAt} null means now. */
public record LogInteraction(@NotBlank @Size(max = 64) String customerId, @NotNull Interaction.Channel channel,
                             @NotNull Interaction.Direction direction, @Nullable Instant occurredAt,
                             @NotBlank @Size(max = 4000) String summary, @Nullable @Size(max = 1000) String outcome,
                             @Nullable Instant followUpDue) {}
