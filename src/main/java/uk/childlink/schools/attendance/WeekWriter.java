package uk.childlink.schools.attendance;

import java.util.List;

/** Where gathered weeks of marks go: {@link WeekStore} in the server. */
public interface WeekWriter {

	/** Lays each week over what is stored for it and writes the result; says what happened. */
	WeekStore.Outcome write(List<WeekStore.Pending> weeks);
}
