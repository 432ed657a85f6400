/// The label numbers generated and imported phantoms use, one tissue each. Label 0 is
/// left unused so that exported label maps read as "no background" in NIfTI viewers.
/// Names are `TissueTable.standard` tissues (reference tissues or anatomical aliases).
public enum PhantomLabels {
    public static let muscle: UInt8 = 1
    public static let fat: UInt8 = 2
    public static let corticalBone: UInt8 = 3
    public static let cancellousBone: UInt8 = 4
    public static let disc: UInt8 = 5
    public static let ligament: UInt8 = 6
    public static let epiduralFat: UInt8 = 7
    public static let dura: UInt8 = 8
    public static let csf: UInt8 = 9
    public static let spinalCord: UInt8 = 10
    public static let caudaEquina: UInt8 = 11
    public static let nerveRoot: UInt8 = 12
    public static let tumorLytic: UInt8 = 13
    public static let tumorBlastic: UInt8 = 14

    /// Every label with its tissue name.
    public static let all: [UInt8: String] = [
        muscle: "muscle", fat: "fat", corticalBone: "cortical_bone", cancellousBone: "cancellous_bone",
        disc: "intervertebral_disc", ligament: "ligament", epiduralFat: "epidural_fat", dura: "dura",
        csf: "csf", spinalCord: "spinal_cord", caudaEquina: "cauda_equina", nerveRoot: "nerve_root",
        tumorLytic: "tumor_lytic", tumorBlastic: "tumor_blastic",
    ]

    /// The legend restricted to the labels that occur in `labels`.
    public static func legend(for labels: [UInt8]) -> [UInt8: String] {
        var seen = [Bool](repeating: false, count: 256)
        labels.withUnsafeBufferPointer { for l in $0 { seen[Int(l)] = true } }
        return all.filter { seen[Int($0.key)] }
    }
}
