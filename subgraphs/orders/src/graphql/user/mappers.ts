/** This service knows a user only by id: everything else about them is the users service's. */
export interface UserReference {
  id: string;
}
