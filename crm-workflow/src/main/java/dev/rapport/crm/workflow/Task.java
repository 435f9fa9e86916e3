package dev.rapport.crm.workflow;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A step waiting for a user's vote, in {@link Workflow#inbox}.
 *
 * @param onBehalfOf the candidate the user would vote for: the user, or someone who delegated to them
 * @param deadline when the step's time limit runs out, null without one
 */
public record Task(String requestId, String definition, String step, String command, String resourceType,
                   String resourceId, String requester, String onBehalfOf, Instant since,
                   @Nullable Instant deadline, boolean overdue) {}
