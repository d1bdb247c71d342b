/** What the settings forms show after their action ran. */
export interface SettingsFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  passwordProblems?: string[];
}
