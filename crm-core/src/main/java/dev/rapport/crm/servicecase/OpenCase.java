package dev.rapport.crm.servicecase;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/** Opens a case for a customer; its SLA due time follows from the priority and the SLA policy. */
public record OpenCase(@NotBlank @Size(max = 64) String customerId, @NotBlank @Size(max = 300) String subject,
                       @Nullable @Size(max = 10000) String description, @NotNull ServiceCase.Priority priority,
                       @Nullable @Size(max = 128) String assignee) {}
