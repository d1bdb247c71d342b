/** The upload form's state after the action ran. */
export interface UploadFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Partial<Record<'title' | 'typeId' | 'file', string>>;
  values?: { title: string; typeId: string };
}
