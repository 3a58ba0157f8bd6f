/**
 * What a recorder needs to store a message type: its `ros2msg` schema and its CDR bytes. Injected so the
 * recorder stays independent of where codecs come from (Sensorium's codecs, or schemas read from a file).
 */
export interface MessageSerializer {
  /** `ros2msg` definition of `type` with its dependencies, as rosbag2 stores it in the MCAP schema. */
  definition(type: string): string;
  /** CDR bytes of `message`. May be a view into a reused buffer, valid until the next call. */
  serialize(type: string, message: unknown): Uint8Array;
}
