fig, ax = plt.subplots(figsize=(7, 3))
ax.barh(ksi_counts.index, ksi_counts.to_numpy())
plt.show()
